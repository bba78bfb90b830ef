package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.oci.ImageConfig.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OciSpecTest {
  private static RunConfig image(List<String> entrypoint, List<String> cmd, List<String> env) {
    return new RunConfig(entrypoint, cmd, env, "", "", Map.of(), Set.of(), Set.of(), "");
  }

  @Test
  void args_areEntrypointThenCmd_andGivenArgsReplaceOnlyCmd() throws Exception {
    RunConfig rc = image(List.of("/entry", "-x"), List.of("default"), List.of());

    assertThat(OciSpec.args(rc, List.of(), "img")).containsExactly("/entry", "-x", "default");
    assertThat(OciSpec.args(rc, List.of("mine", "too"), "img"))
        .containsExactly("/entry", "-x", "mine", "too");
  }

  @Test
  void args_ofAnImageWithNothingToRun_sayWhatToGive() {
    assertThatThrownBy(() -> OciSpec.args(image(List.of(), List.of(), List.of()), List.of(), "x:1"))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("image x:1 has no Entrypoint or Cmd: give the command after --");
  }

  @Test
  void env_extraOverridesTheImageByName_andPathHomeHostnameFillIn() throws Exception {
    List<String> env =
        OciSpec.env(List.of("A=1", "B=2"), List.of("B=3", "C=x=y"), "/home/app", "web");

    assertThat(env)
        .containsExactly(
            "A=1",
            "B=3",
            "C=x=y",
            "PATH=" + OciSpec.DEFAULT_PATH,
            "HOME=/home/app",
            "HOSTNAME=web");
    assertThat(OciSpec.env(List.of("PATH=/bin"), List.of(), "/", "h")).contains("PATH=/bin");
  }

  @Test
  void env_refusesAnEntryWithoutName() {
    assertThatThrownBy(() -> OciSpec.env(List.of(), List.of("=v"), "/", "h"))
        .hasMessage("-e =v (expected: NAME=VALUE, e.g. -e MODE=debug)");
  }

  @Test
  void json_isTheDefaultProfile() throws Exception {
    JsonNode spec = spec(false, List.of(new BindMount("/srv/data", "/data", true)));

    assertThat(spec.path("ociVersion").asText()).isEqualTo("1.0.2");
    JsonNode p = spec.path("process");
    assertThat(p.path("terminal").asBoolean()).isFalse();
    assertThat(p.path("noNewPrivileges").asBoolean()).isTrue();
    assertThat(p.path("user").path("uid").asLong()).isEqualTo(1000);
    assertThat(p.path("user").path("additionalGids").toString()).isEqualTo("[2000]");
    assertThat(p.path("cwd").asText()).isEqualTo("/work");
    assertThat(texts(p.path("capabilities").path("bounding")))
        .containsExactlyElementsOf(OciSpec.CAPABILITIES)
        .doesNotContain("CAP_SYS_ADMIN", "CAP_NET_ADMIN");
    assertThat(p.path("capabilities").has("ambient")).isFalse();
    assertThat(p.path("rlimits").get(0).path("type").asText()).isEqualTo("RLIMIT_NOFILE");
    JsonNode linux = spec.path("linux");
    assertThat(types(linux.path("namespaces")))
        .containsExactly("pid", "ipc", "uts", "mount", "network");
    assertThat(texts(linux.path("maskedPaths"))).contains("/proc/kcore", "/sys/firmware");
    assertThat(texts(linux.path("readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
    List<String> dests = new ArrayList<>();
    spec.path("mounts").forEach(m -> dests.add(m.path("destination").asText()));
    assertThat(dests)
        .containsExactly(
            "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/etc/hosts", "/data");
    JsonNode sys = spec.path("mounts").get(5);
    assertThat(texts(sys.path("options"))).contains("ro");
    JsonNode data = spec.path("mounts").get(7);
    assertThat(data.path("source").asText()).isEqualTo("/srv/data");
    assertThat(texts(data.path("options"))).containsExactly("rbind", "rprivate", "ro");
  }

  @Test
  void json_withHostNetwork_hasNoNetworkNamespace_andTheHostsResolvConf() throws Exception {
    JsonNode spec = spec(true, List.of());

    assertThat(types(spec.path("linux").path("namespaces")))
        .containsExactly("pid", "ipc", "uts", "mount");
    assertThat(spec.path("mounts").toString()).contains("/etc/resolv.conf");
  }

  @Test
  void json_hasTheDefaultSeccompProfile_forTheHostsArchitectures() throws Exception {
    JsonNode seccomp =
        spec(false, List.of(), Seccomp.DEFAULT, "amd64").path("linux").path("seccomp");

    assertThat(seccomp.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
    assertThat(texts(seccomp.path("architectures")))
        .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    List<String> unconditional = new ArrayList<>();
    for (JsonNode rule : seccomp.path("syscalls")) {
      assertThat(rule.path("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
      if (!rule.has("args") && rule.path("errnoRet").asInt() == SeccompProfile.EPERM) {
        unconditional.addAll(texts(rule.path("names")));
      }
    }
    assertThat(unconditional)
        .contains(
            "kexec_load",
            "init_module",
            "finit_module",
            "delete_module",
            "bpf",
            "perf_event_open",
            "keyctl",
            "add_key",
            "request_key",
            "mount",
            "umount2",
            "pivot_root",
            "setns",
            "ptrace",
            "process_vm_readv",
            "process_vm_writev",
            "userfaultfd",
            "open_by_handle_at",
            "swapon",
            "swapoff",
            "reboot",
            "acct",
            "settimeofday",
            "clock_settime",
            "syslog",
            "lookup_dcookie")
        .doesNotContain("clone", "unshare", "clone3", "personality", "read", "execve")
        .doesNotHaveDuplicates();
    assertThat(rule(seccomp, "clone3").path("errnoRet").asInt()).isEqualTo(38);
  }

  @Test
  void json_seccompRefusesNamespaceFlagsOfUnshareAndClone_asMaskedArgumentTests() throws Exception {
    JsonNode seccomp =
        spec(false, List.of(), Seccomp.DEFAULT, "arm64").path("linux").path("seccomp");

    assertThat(texts(seccomp.path("architectures")))
        .containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
    for (String syscall : List.of("unshare", "clone")) {
      List<Long> flags = new ArrayList<>();
      for (JsonNode r : seccomp.path("syscalls")) {
        if (texts(r.path("names")).equals(List.of(syscall))) {
          assertThat(r.path("errnoRet").asInt()).isEqualTo(SeccompProfile.EPERM);
          JsonNode arg = r.path("args").get(0);
          assertThat(r.path("args").size())
              .as("one condition: several on one argument are ORed")
              .isOne();
          assertThat(arg.path("index").asInt()).isZero();
          assertThat(arg.path("op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
          assertThat(arg.path("valueTwo").asLong()).isEqualTo(arg.path("value").asLong());
          flags.add(arg.path("value").asLong());
        }
      }
      assertThat(flags).as(syscall).contains(0x10000000L /* CLONE_NEWUSER */, 0x40000000L);
    }
  }

  @Test
  void json_onAnUnknownArchitecture_keepsOnlyRulesThatDoNotDependOnArgumentOrder()
      throws Exception {
    JsonNode seccomp =
        spec(false, List.of(), Seccomp.DEFAULT, "s390x").path("linux").path("seccomp");

    assertThat(seccomp.path("architectures").size()).isZero();
    assertThat(seccomp.toString())
        .doesNotContain("\"clone\"")
        .contains("\"unshare\"", "\"ptrace\"");
  }

  @Test
  void json_unconfined_hasNoSeccompSection() throws Exception {
    JsonNode linux = spec(false, List.of(), Seccomp.UNCONFINED, "amd64").path("linux");

    assertThat(linux.has("seccomp")).isFalse();
    assertThat(linux.has("maskedPaths")).as("the rest of the profile stays").isTrue();
  }

  private static JsonNode rule(JsonNode seccomp, String name) {
    for (JsonNode r : seccomp.path("syscalls")) {
      if (texts(r.path("names")).contains(name)) {
        return r;
      }
    }
    throw new AssertionError("no rule for " + name);
  }

  private static JsonNode spec(boolean hostNetwork, List<BindMount> mounts) throws Exception {
    return spec(hostNetwork, mounts, Seccomp.DEFAULT, "amd64");
  }

  private static JsonNode spec(
      boolean hostNetwork, List<BindMount> mounts, Seccomp seccomp, String arch) throws Exception {
    OciSpec.Inputs in =
        new OciSpec.Inputs(
            List.of("sh"),
            List.of("PATH=/bin"),
            "work",
            new ExecUser(1000, 1000, List.of(2000L), "/home/app"),
            "web",
            mounts,
            "/bundle/hosts",
            hostNetwork,
            seccomp,
            arch);
    return new ObjectMapper().readTree(OciSpec.json(in));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> types(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path("type").asText()));
    return out;
  }
}
