package dev.shoal.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.AgentMain;
import dev.shoal.agent.runtime.BusyboxImage;
import dev.shoal.core.config.HostPort;
import dev.shoal.core.testing.CncfRegistry;
import dev.shoal.core.testing.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containerd path of {@code shoal run}: a containerd set up with the shipped {@code
 * deploy/containerd/hosts.toml} pulls a real busybox image through the agent and runs it with
 * {@code ctr run}; its output and exit code are the container's, and the agent holds the image.
 */
class ContainerdRunIT {
  /** A namespace of the test's own: runc's state for it lives under /run/containerd/runc/NS. */
  private static final String NS = "shoal-run-it";

  private static final Path RUNC_STATE = Path.of("/run/containerd/runc", NS);

  @TempDir Path dir;

  @Test
  void ctrRun_ofAnImagePulledThroughTheAgent_printsItsOutput() throws Exception {
    PrivateContainerd.assumeAvailable();
    BusyboxImage.assumeAvailable();
    CncfRegistry.assumeInstalled();
    try (CncfRegistry registry = CncfRegistry.start(dir.resolve("cncf"))) {
      BusyboxImage image = BusyboxImage.build(dir.resolve("image"), "");
      image.push(registry.client(), "tools/busybox", "1");
      try (AgentMain agent =
              TestAgents.start(
                  dir.resolve("agent"), registry.baseUri(), Clock.systemUTC(), m -> m, false);
          PrivateContainerd containerd = PrivateContainerd.start(dir.resolve("containerd"))) {
        HostPort listen = new HostPort(agent.uri().getHost(), agent.uri().getPort());
        containerd.hostsToml("_default", DeployTemplates.containerdHostsToml(listen));
        String ref = registry.baseUri().getAuthority() + "/tools/busybox:1";

        PrivateContainerd.Result pull =
            containerd.ctr(
                ctr(
                    "images",
                    "pull",
                    "--hosts-dir",
                    containerd.hostsDir().toString(),
                    "--snapshotter",
                    containerd.snapshotter(),
                    ref));
        assertThat(pull.succeeded()).as(pull.toString()).isTrue();
        assertThat(agent.store().contains(image.layerDigest())).isTrue();
        assertThat(agent.store().contains(image.digest())).isTrue();

        PrivateContainerd.Result run =
            containerd.ctr(
                ctr(
                    "run",
                    "--rm",
                    "--snapshotter",
                    containerd.snapshotter(),
                    ref,
                    "shoal-ctr-run",
                    "sh",
                    "-c",
                    "echo hi from containerd; exit 3"));
        assertThat(run.output()).as(run + "\n" + containerd.log()).contains("hi from containerd");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        PrivateContainerd.Result left = containerd.ctr(ctr("containers", "ls", "-q"));
        assertThat(left.output().strip()).as("--rm removed it").isEmpty();
      }
    } finally {
      // The shim leaves runc's (empty) directory of the namespace behind.
      Files.deleteIfExists(RUNC_STATE);
    }
  }

  private static List<String> ctr(String... args) {
    List<String> out = new ArrayList<>(List.of("--namespace", NS));
    out.addAll(List.of(args));
    return out;
  }
}
