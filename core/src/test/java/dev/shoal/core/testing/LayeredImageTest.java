package dev.shoal.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.ImageManifest;
import java.io.ByteArrayInputStream;
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
      byte[] tar = new GZIPInputStream(new ByteArrayInputStream(layer.blob())).readAllBytes();
      assertThat(Digest.sha256Of(tar)).isEqualTo(layer.diffId());
      assertThat(tar.length % 512).isZero();
      diffIds.add(layer.diffId().toString());
    }
    JsonNode config = new ObjectMapper().readTree(image.config());
    List<String> listed = new ArrayList<>();
    config.path("rootfs").path("diff_ids").forEach(n -> listed.add(n.asText()));
    assertThat(listed).containsExactlyElementsOf(diffIds);
    assertThat(ImageManifest.parse(image.manifest()).layers())
        .extracting(d -> d.digest())
        .containsExactlyElementsOf(
            image.layers().stream().map(l -> l.descriptor().digest()).toList());
  }

  @Test
  void files_laterLayerWins() throws Exception {
    Map<String, byte[]> files = LayeredImage.sample(1).files();
    assertThat(new String(files.get("etc/shoal/release"), StandardCharsets.UTF_8))
        .isEqualTo("layer 2 of 1");
    assertThat(files).containsKeys("bin/app", "data/a.bin", "data/b.bin", "data/readme.txt");
  }

  @Test
  void sameSeed_sameDigest_otherSeed_otherDigest() throws Exception {
    assertThat(LayeredImage.sample(3).digest()).isEqualTo(LayeredImage.sample(3).digest());
    assertThat(LayeredImage.sample(3).digest()).isNotEqualTo(LayeredImage.sample(4).digest());
  }

  @Test
  void tarHeader_hasAValidChecksum() throws Exception {
    byte[] tar = LayeredImage.Tar.of(Map.of("a.txt", new byte[] {1, 2, 3}));
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : tar[i] & 0xff;
    }
    String field = new String(tar, 148, 6, StandardCharsets.US_ASCII);
    assertThat(Long.parseLong(field, 8)).isEqualTo(sum);
    assertThat(new String(tar, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
  }
}
