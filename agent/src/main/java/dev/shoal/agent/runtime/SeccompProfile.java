package dev.shoal.agent.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Shoal's default seccomp profile (runtime spec config-linux.md "Seccomp"): every system call is
 * allowed except those listed here, which fail with EPERM.
 *
 * <p>Why a deny-list and not an allow-list with a default of EPERM: the capabilities a container
 * gets ({@link OciSpec#CAPABILITIES}) and {@code noNewPrivileges} already make the kernel refuse
 * most privileged operations, so the filter's job is the few interfaces no capability gates
 * (creating user namespaces, keyrings, userfaultfd, perf, io_uring) plus a second wall in front of
 * those a kernel bug could open. A deny-list names exactly that, stays correct across amd64 and
 * arm64 without a per-architecture table, and never breaks an image whose libc or runtime uses a
 * syscall newer than the list (an allow-list must track every new one: clone3, rseq, faccessat2,
 * epoll_pwait2, …). The price is that a dangerous syscall added to a future kernel is allowed until
 * it is added here.
 *
 * <p>Not filtered: {@code personality}. A set-membership test ("only the default values") cannot be
 * written as deny rules: runc turns several conditions on one argument into separate rules that
 * match if any does, and a bit test would also refuse the query value 0xffffffff. Changing the
 * personality only weakens the calling process's own address-space randomisation; it does not cross
 * into the host.
 *
 * <p>{@code shoal run --security-opt seccomp=unconfined} runs without any filter.
 */
final class SeccompProfile {
  static final int EPERM = 1;

  /** ENOSYS on every architecture covered; libc falls back to {@code clone} on it. */
  static final int ENOSYS = 38;

  /** Load, replace or unload kernel code; CAP_SYS_MODULE and CAP_SYS_BOOT are not granted. */
  static final List<String> KERNEL_CODE =
      List.of(
          "init_module",
          "finit_module",
          "delete_module",
          "kexec_load",
          "kexec_file_load",
          "reboot",
          "uselib",
          "_sysctl");

  /**
   * Reach kernel subsystems that are not namespaced, often without any capability depending on
   * sysctls, and a steady source of privilege escalations: eBPF, perf, the keyrings, userfaultfd,
   * io_uring (programs fall back to epoll or blocking I/O when it is refused).
   */
  static final List<String> KERNEL_SURFACE =
      List.of(
          "bpf",
          "perf_event_open",
          "keyctl",
          "add_key",
          "request_key",
          "userfaultfd",
          "io_uring_setup",
          "io_uring_enter",
          "io_uring_register",
          "lookup_dcookie",
          "syslog");

  /** Change what the container's mount namespace shows; the runtime set it up, it stays so. */
  static final List<String> MOUNTS =
      List.of(
          "mount",
          "umount",
          "umount2",
          "pivot_root",
          "fsopen",
          "fsconfig",
          "fsmount",
          "fspick",
          "move_mount",
          "open_tree",
          "mount_setattr",
          "swapon",
          "swapoff",
          "quotactl",
          "quotactl_fd");

  /** Enter other namespaces, or open files by handle, which bypasses the mount namespace. */
  static final List<String> ESCAPES = List.of("setns", "open_by_handle_at");

  /** Read or write another process's memory; debuggers need seccomp=unconfined. */
  static final List<String> OTHER_PROCESSES =
      List.of("ptrace", "process_vm_readv", "process_vm_writev", "kcmp");

  /** Host-wide state that is not namespaced: the clock, process accounting, I/O ports. */
  static final List<String> HOST_STATE =
      List.of(
          "settimeofday",
          "stime",
          "clock_settime",
          "clock_settime64",
          "acct",
          "iopl",
          "ioperm",
          "vm86",
          "vm86old");

  /** include/uapi/linux/sched.h: the namespace flags of clone and unshare. */
  static final long CLONE_NEWTIME = 0x00000080L;

  static final List<Long> CLONE_NAMESPACES =
      List.of(
          0x00020000L, // CLONE_NEWNS
          0x02000000L, // CLONE_NEWCGROUP
          0x04000000L, // CLONE_NEWUTS
          0x08000000L, // CLONE_NEWIPC
          0x10000000L, // CLONE_NEWUSER: needs no capability, so only this filter refuses it
          0x20000000L, // CLONE_NEWPID
          0x40000000L); // CLONE_NEWNET

  private SeccompProfile() {}

  /** The seccomp filter architectures of a host, by Go architecture name; empty when unknown. */
  static List<String> architectures(String goArch) {
    return switch (goArch) {
      case "amd64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
      case "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
      default -> List.of();
    };
  }

  /**
   * Writes the profile into {@code seccomp} (the {@code linux.seccomp} object) for a host of
   * architecture {@code goArch}. On an architecture not covered, the filter holds only rules that
   * do not depend on argument order, and runc applies it to the native architecture alone.
   */
  static void write(ObjectNode seccomp, String goArch) {
    seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
    List<String> arches = architectures(goArch);
    arches.forEach(seccomp.putArray("architectures")::add);
    ArrayNode rules = seccomp.putArray("syscalls");
    for (List<String> group :
        List.of(KERNEL_CODE, KERNEL_SURFACE, MOUNTS, ESCAPES, OTHER_PROCESSES, HOST_STATE)) {
      deny(rules, group, EPERM);
    }
    // New namespaces, a user namespace above all: inside one, a process holds every capability
    // and reaches kernel code (mounts of its own, netfilter, …) that is otherwise root's alone.
    for (long flag : CLONE_NAMESPACES) {
      denyFlag(rules, "unshare", flag);
    }
    denyFlag(rules, "unshare", CLONE_NEWTIME);
    if (!arches.isEmpty()) {
      // clone's flags are its first argument on x86 and arm (not on s390, hence only there);
      // CLONE_NEWTIME is not among them since clone's low byte is the exit signal.
      for (long flag : CLONE_NAMESPACES) {
        denyFlag(rules, "clone", flag);
      }
    }
    // clone3 passes its flags in memory, where seccomp cannot look: refuse it as unknown, so
    // that libc falls back to clone, whose flags are checked above.
    deny(rules, List.of("clone3"), ENOSYS);
  }

  private static void deny(ArrayNode rules, List<String> names, int errno) {
    ObjectNode rule = rules.addObject();
    names.forEach(rule.putArray("names")::add);
    rule.put("action", "SCMP_ACT_ERRNO");
    rule.put("errnoRet", errno);
  }

  /** Refuses {@code syscall} when its first argument has {@code flag} set. */
  private static void denyFlag(ArrayNode rules, String syscall, long flag) {
    ObjectNode rule = rules.addObject();
    rule.putArray("names").add(syscall);
    rule.put("action", "SCMP_ACT_ERRNO");
    rule.put("errnoRet", EPERM);
    // SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo.
    rule.putArray("args")
        .addObject()
        .put("index", 0)
        .put("value", flag)
        .put("valueTwo", flag)
        .put("op", "SCMP_CMP_MASKED_EQ");
  }
}
