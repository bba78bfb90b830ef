package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.agent.runtime.ContainerException.Kind;
import dev.shoal.core.oci.ImageConfig.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime {@code config.json} (runtime spec 1.0.2, config.md and config-linux.md) of a
 * container, from its image config (image spec config.md, "Properties": Entrypoint, Cmd, Env,
 * WorkingDir, User) and what {@code shoal run} added.
 *
 * <p>The default profile is the one runtimes share: new pid, ipc, uts, mount and network namespaces
 * (the network one has only loopback; {@code --net host} keeps the host's); Docker's default
 * capabilities, no more; {@code noNewPrivileges}; {@code /proc} paths masked or read-only; {@code
 * /sys} read-only; a 64 MiB {@code /dev} tmpfs with runc's default devices only; an open- files
 * limit; Shoal's seccomp profile ({@link SeccompProfile}) unless the run asked for none. Not in it:
 * a user namespace (root in the container is root on the host, as with Docker's default), cgroup
 * limits.
 */
final class OciSpec {
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  static final List<String> CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  private static final List<String> MASKED =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware");

  private static final List<String> READ_ONLY =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  /** The open-files limit of runc's default spec, as the soft limit; 1024 suits select(2). */
  private static final long NOFILE_SOFT = 1024;

  private static final Path LIMITS = Path.of("/proc/self/limits");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OciSpec() {}

  /** The process's arguments: Entrypoint, then {@code args} if given, else Cmd. */
  static List<String> args(RunConfig image, List<String> args, String imageName)
      throws ContainerException {
    List<String> out = new ArrayList<>(image.entrypoint());
    out.addAll(args.isEmpty() ? image.cmd() : args);
    if (out.isEmpty()) {
      throw new ContainerException(
          Kind.INVALID,
          "image "
              + imageName
              + " has no Entrypoint or Cmd: give the command after --, e.g. shoal run "
              + imageName
              + " -- /bin/sh -c 'echo hi'");
    }
    return out;
  }

  /**
   * The environment: the image's Env, then {@code extra} (overriding by name), then PATH, HOME and
   * HOSTNAME where still missing.
   */
  static List<String> env(List<String> image, List<String> extra, String home, String hostname)
      throws ContainerException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : image) {
      int eq = e.indexOf('=');
      env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    for (String e : extra) {
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new ContainerException(
            Kind.INVALID, "-e " + e + " (expected: NAME=VALUE, e.g. -e MODE=debug)");
      }
      env.put(e.substring(0, eq), e.substring(eq + 1));
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.putIfAbsent("HOME", home);
    env.putIfAbsent("HOSTNAME", hostname);
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /**
   * What config.json is made of, besides the fixed profile.
   *
   * @param architecture the host's, in Go's terms ({@code amd64}): the seccomp filter's
   */
  record Inputs(
      List<String> args,
      List<String> env,
      String cwd,
      ExecUser user,
      String hostname,
      List<BindMount> mounts,
      String hostsFile,
      boolean hostNetwork,
      Seccomp seccomp,
      String architecture) {
    Inputs {
      args = List.copyOf(args);
      env = List.copyOf(env);
      requireNonNull(cwd, "cwd");
      requireNonNull(user, "user");
      requireNonNull(hostname, "hostname");
      mounts = List.copyOf(mounts);
      requireNonNull(hostsFile, "hostsFile");
      requireNonNull(seccomp, "seccomp");
      requireNonNull(architecture, "architecture");
    }
  }

  static byte[] json(Inputs in) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("ociVersion", "1.0.2");
    ObjectNode process = spec.putObject("process");
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", in.user().uid());
    user.put("gid", in.user().gid());
    if (!in.user().additionalGids().isEmpty()) {
      ArrayNode gids = user.putArray("additionalGids");
      in.user().additionalGids().forEach(gids::add);
    }
    strings(process.putArray("args"), in.args());
    strings(process.putArray("env"), in.env());
    process.put("cwd", in.cwd().startsWith("/") ? in.cwd() : "/" + in.cwd());
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      strings(caps.putArray(set), CAPABILITIES);
    }
    ObjectNode nofile = process.putArray("rlimits").addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    long hard = Math.max(NOFILE_SOFT, agentNofileHard());
    nofile.put("hard", hard);
    nofile.put("soft", NOFILE_SOFT);
    process.put("noNewPrivileges", true);

    ObjectNode root = spec.putObject("root");
    root.put("path", "rootfs");
    root.put("readonly", false);
    spec.put("hostname", in.hostname());

    ArrayNode mounts = spec.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc");
    mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
    mount(
        mounts,
        "/dev/pts",
        "devpts",
        "devpts",
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620",
        "gid=5");
    mount(
        mounts,
        "/dev/shm",
        "tmpfs",
        "shm",
        "nosuid",
        "noexec",
        "nodev",
        "mode=1777",
        "size=65536k");
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
    mount(mounts, "/etc/hosts", "bind", in.hostsFile(), "rbind", "rprivate", "ro");
    if (in.hostNetwork()) {
      mount(mounts, "/etc/resolv.conf", "bind", "/etc/resolv.conf", "rbind", "rprivate", "ro");
    }
    for (BindMount m : in.mounts()) {
      if (m.readOnly()) {
        mount(mounts, m.containerPath(), "bind", m.hostPath(), "rbind", "rprivate", "ro");
      } else {
        mount(mounts, m.containerPath(), "bind", m.hostPath(), "rbind", "rprivate");
      }
    }

    ObjectNode linux = spec.putObject("linux");
    ArrayNode namespaces = linux.putArray("namespaces");
    List<String> ns = new ArrayList<>(List.of("pid", "ipc", "uts", "mount"));
    if (!in.hostNetwork()) {
      ns.add("network");
    }
    ns.forEach(n -> namespaces.addObject().put("type", n));
    linux
        .putObject("resources")
        .putArray("devices")
        .addObject()
        .put("allow", false)
        .put("access", "rwm");
    strings(linux.putArray("maskedPaths"), MASKED);
    strings(linux.putArray("readonlyPaths"), READ_ONLY);
    if (in.seccomp() == Seccomp.DEFAULT) {
      SeccompProfile.write(linux.putObject("seccomp"), in.architecture());
    }
    try {
      return JSON.writeValueAsBytes(spec);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // A tree of plain nodes always serialises.
      throw new IllegalStateException(e);
    }
  }

  private static void mount(
      ArrayNode mounts, String dest, String type, String source, String... options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", dest);
    m.put("type", type);
    m.put("source", source);
    if (options.length > 0) {
      strings(m.putArray("options"), List.of(options));
    }
  }

  /**
   * The agent's own hard limit of open files: a container may raise its soft limit that far. More
   * than the agent has is refused by the kernel where the agent runs without CAP_SYS_RESOURCE.
   */
  static long agentNofileHard() {
    try {
      for (String line : Files.readAllLines(LIMITS)) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return f[1].equals("unlimited") ? NOFILE_SOFT : Long.parseLong(f[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc or an unexpected format: runc's default then, which always works.
    }
    return NOFILE_SOFT;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
