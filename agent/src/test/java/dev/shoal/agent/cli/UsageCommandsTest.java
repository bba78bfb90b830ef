package dev.shoal.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.registry.RegistryClient;
import dev.shoal.core.testing.Blobs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** shoal layer-users and shoal image-repos against a real origin with real pushes. */
class UsageCommandsTest {
  @RegisterExtension final OriginCli cli = new OriginCli();
  private final byte[] layer = Blobs.random(11, 5000);
  private Digest aliceImage;
  private Digest teamImage;

  @BeforeEach
  void start() throws Exception {
    cli.addUser("alice");
    aliceImage = push(cli.registry("alice"), "alice/app", "v1");
    teamImage = push(cli.registry("admin"), "team/app", "prod");
    push(cli.registry("admin"), "team/copy", aliceImage.toString());
  }

  /** Pushes an image of the shared layer to {@code repo}; alice/app and team/copy match. */
  private Digest push(RegistryClient client, String repo, String reference) throws Exception {
    String name = repo.equals("team/app") ? "team" : "app";
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]},\"comment\":\""
                + name
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor c = Descriptor.of(MediaTypes.OCI_CONFIG, config);
    Descriptor l = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
    client.pushBlob(repo, c.digest(), config);
    client.pushBlob(repo, l.digest(), layer);
    byte[] manifest = ImageManifest.of(c, List.of(l)).raw();
    return client.putManifest(repo, reference, manifest, MediaTypes.OCI_MANIFEST);
  }

  @Test
  void layerUsers_isATableOfWhatTheAccountMaySee() {
    Digest d = Digest.sha256Of(layer);
    assertThat(cli.runAs("admin", "layer-users", d.toString())).isZero();
    assertThat(cli.out().split("\n"))
        .containsExactly(
            "REPOSITORY  MANIFEST" + " ".repeat(65) + "TAGS",
            "alice/app   " + aliceImage + "  v1",
            "team/app    " + teamImage + "  prod",
            "team/copy   " + aliceImage + "  -");

    assertThat(cli.runAs("alice", "layer-users", d.toString())).isZero();
    assertThat(cli.out()).contains("alice/app").doesNotContain("team/");
  }

  @Test
  void imageRepos_listsTheRepositoriesHoldingAManifest() throws Exception {
    assertThat(cli.runAs("admin", "image-repos", aliceImage.toString())).isZero();
    assertThat(cli.out()).isEqualTo("REPOSITORY\nalice/app\nteam/copy\n");

    assertThat(cli.runAs("alice", "image-repos", aliceImage.toString(), "--json")).isZero();
    assertThat(new ObjectMapper().readTree(cli.out()).path("repositories").toString())
        .isEqualTo("[\"alice/app\"]");
  }

  @Test
  void nothingVisible_saysSoInsteadOfAnEmptyTable() {
    assertThat(cli.runAs("alice", "image-repos", teamImage.toString())).isZero();
    assertThat(cli.out().trim()).isEqualTo("no repository you may see holds " + teamImage);
    Digest unknown = Digest.sha256Of(Blobs.random(12, 10));
    assertThat(cli.runAs("alice", "layer-users", unknown.toString())).isZero();
    assertThat(cli.out().trim()).isEqualTo("no image you may see uses " + unknown);
  }

  @Test
  void badDigest_isAUsageErrorOnOneLine() {
    assertThat(cli.runAs("admin", "layer-users", "sha256:xyz")).isEqualTo(2);
    assertThat(cli.err())
        .hasLineCount(1)
        .startsWith("shoal layer-users: ")
        .contains("\"sha256:xyz\" has 3 hex characters (expected: 64 for sha256)")
        .contains("(run: shoal layer-users --help)");
  }
}
