package dev.shoal.agent.mirror;

import dev.shoal.core.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime snippets shipped in {@code deploy/}, read as they are and changed only where a test
 * must differ from a host: the agent's port, and for CRI-O the registry being mirrored. So the ITs
 * test the files users copy, not look-alikes.
 */
final class DeployTemplates {
  static final String DEFAULT_AGENT = "127.0.0.1:5050";

  private static final Path DEPLOY =
      Path.of(System.getProperty("shoal.root", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("deploy");

  private DeployTemplates() {}

  /** {@code deploy/containerd/hosts.toml} with the agent at {@code agent}. */
  static String containerdHostsToml(HostPort agent) throws IOException {
    return withAgent(read("containerd/hosts.toml"), agent);
  }

  /**
   * {@code deploy/crio/registries.conf} with the agent at {@code agent}, mirroring {@code registry}
   * ({@code host:port}) instead of Docker Hub.
   */
  static String crioRegistriesConf(String registry, HostPort agent) throws IOException {
    String conf = withAgent(read("crio/registries.conf"), agent);
    conf = replaceOnce(conf, "(?m)^prefix = \"docker\\.io\"$", "prefix = \"" + registry + "\"");
    return replaceOnce(
        conf, "(?m)^location = \"registry-1\\.docker\\.io\"$", "location = \"" + registry + "\"");
  }

  private static String withAgent(String template, HostPort agent) {
    String hostPort = agent.host() + ":" + agent.port();
    String uncommented =
        template.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    if (!uncommented.contains(DEFAULT_AGENT)) {
      throw new IllegalStateException("template names no agent at " + DEFAULT_AGENT);
    }
    return template.replace(DEFAULT_AGENT, hostPort);
  }

  private static String replaceOnce(String text, String regex, String replacement) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("template has no line matching " + regex);
    }
    return m.replaceFirst(Matcher.quoteReplacement(replacement));
  }

  private static String read(String name) throws IOException {
    return Files.readString(DEPLOY.resolve(name), StandardCharsets.UTF_8);
  }
}
