package dev.shoal.core.testing;

import static dev.shoal.core.testing.LayeredImage.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class LayeredImageTest {
  @Test
  void sample_configListsEachLayersUncompressedDigestInOrder() throws Exception {
    LayeredImage image = LayeredImage.sample(1);
    List<String> diffIds = new ArrayList<>();
    for (LayeredImage.Layer layer : image.layers()) {
      byte[] tar = gunzip(layer.blob());
      assertThat(Digest.sha256Of(tar)).isEqualTo(layer.diffId());
      assertThat(tar.length % 512).isZero();
      diffIds.add(layer.diffId().toString());
    }
    JsonNode config = new ObjectMapper().readTree(image.config());
    List<String> listed = new ArrayList<>();
    config.path("rootfs").path("diff_ids").forEach(n -> listed.add(n.asText()));
    assertThat(listed).containsExactlyElementsOf(diffIds);
    assertThat(ImageManifest.parse(image.manifest().raw()).layers())
        .extracting(d -> d.digest())
        .containsExactlyElementsOf(image.layerDigests());
  }

  @Test
  void files_laterLayerWins() {
    Map<String, byte[]> files = LayeredImage.sample(1).files();
    assertThat(new String(files.get("etc/shoal/release"), StandardCharsets.UTF_8))
        .isEqualTo("layer 2 of 1");
    assertThat(files).containsKeys("bin/app", "data/a.bin", "data/b.bin", "data/readme.txt");
  }

  @Test
  void sameSeed_sameDigest_otherSeed_otherDigest() {
    assertThat(LayeredImage.sample(3).digest()).isEqualTo(LayeredImage.sample(3).digest());
    assertThat(LayeredImage.sample(3).digest()).isNotEqualTo(LayeredImage.sample(4).digest());
  }

  @Test
  void whiteout_deletesTheFileBelow_withAWhiteoutEntryInTheTopLayer() throws Exception {
    LayeredImage image =
        LayeredImage.builder()
            .layer(Map.of("app/keep.txt", utf8("kept"), "app/old.txt", utf8("old")))
            .layer(Map.of("app/new.txt", utf8("new")))
            .whiteout("app/old.txt")
            .build();

    assertThat(image.files()).containsOnlyKeys("app/keep.txt", "app/new.txt");
    assertThat(entryNames(gunzip(image.layers().get(1).blob())))
        .containsExactly("app/", "app/new.txt", "app/.wh.old.txt");
    assertThatThrownBy(() -> LayeredImage.builder().whiteout("app/old.txt"))
        .as("a whiteout needs a layer to go in")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("app/old.txt");
  }

  @Test
  void random_layersOfExactSizes_blobsByDigest_indexOfTheManifest() {
    LayeredImage image = LayeredImage.random(5, 1000, 70_000);

    assertThat(image.layers())
        .extracting(l -> l.descriptor().size())
        .containsExactly(1000L, 70_000L);
    assertThat(image.blobDigests())
        .containsExactly(
            image.configDescriptor().digest(),
            image.layerDigests().get(0),
            image.layerDigests().get(1));
    for (Descriptor d : image.blobs()) {
      assertThat(Digest.sha256Of(image.blob(d.digest()))).isEqualTo(d.digest());
    }
    assertThat(image.blobBytes()).isEqualTo(image.configDescriptor().size() + 71_000);
    assertThat(image.index().manifests())
        .extracting(Descriptor::digest)
        .containsExactly(image.digest());
    assertThat(LayeredImage.random(5, 1000).digest())
        .isEqualTo(LayeredImage.random(5, 1000).digest())
        .isNotEqualTo(LayeredImage.random(6, 1000).digest());
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    return new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
  }

  /** The names of a ustar archive's entries, in order. */
  private static List<String> entryNames(byte[] tar) {
    List<String> names = new ArrayList<>();
    for (int at = 0; tar[at] != 0; ) {
      String name = new String(tar, at, 100, StandardCharsets.UTF_8).replace("\0", "");
      long size = Long.parseLong(new String(tar, at + 124, 11, StandardCharsets.US_ASCII), 8);
      names.add(name);
      at += 512 + (int) ((size + 511) / 512 * 512);
    }
    return names;
  }
}
