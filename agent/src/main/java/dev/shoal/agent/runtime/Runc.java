package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.agent.runtime.ContainerException.Kind;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The runc command line (runc 1.1), with the agent's own {@code --root} so that its containers are
 * apart from other runc users'.
 *
 * <p>A container runs as {@code runc run} in the foreground (no terminal, stdin from /dev/null,
 * stdout and stderr to files of the bundle), under a small {@code sh} in a session of its own
 * ({@code setsid}), so that a signal to the agent's process group does not reach it and it outlives
 * an agent restart. When runc returns, the shell writes its exit status to the bundle's {@code
 * exit} file (via a rename): that is how an agent that restarted meanwhile learns a container's
 * exit code.
 */
final class Runc {
  static final String EXIT_FILE = "exit";
  static final String STDOUT = "stdout.log";
  static final String STDERR = "stderr.log";
  private static final long COMMAND_SECONDS = 30;
  private static final String WRAPPER =
      "\"$1\" --root \"$2\" run --bundle \"$3\" \"$4\"; c=$?; "
          + "printf '%s\\n' \"$c\" > \"$3/exit.tmp\" && mv -f \"$3/exit.tmp\" \"$3/exit\"; exit $c";

  private final String runc;
  private final Path root;

  Runc(String runc, Path root) {
    this.runc = requireNonNull(runc, "runc");
    this.root = requireNonNull(root, "root");
  }

  /** Starts the container of {@code bundle} as {@code id}; the process ends when it does. */
  Process run(String id, Path bundle) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "setsid",
                "/bin/sh",
                "-c",
                WRAPPER,
                "shoal-runc",
                runc,
                root.toString(),
                bundle.toString(),
                id)
            .redirectInput(new File("/dev/null"))
            .redirectOutput(bundle.resolve(STDOUT).toFile())
            .redirectError(bundle.resolve(STDERR).toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new ContainerException(
          Kind.FAILED,
          "cannot start runc ("
              + runc
              + "): "
              + e.getMessage()
              + ": install it (apt-get install -y runc)",
          e);
    }
  }

  /**
   * Sends {@code signal} (e.g. TERM, KILL) to the container's process; false if it is not running.
   */
  boolean kill(String id, String signal) throws IOException {
    return command("kill", id, signal).exit() == 0;
  }

  /** runc's status of the container ("running", "stopped", …), or empty when runc has none. */
  Optional<String> status(String id) throws IOException {
    Result r = command("state", id);
    if (r.exit() != 0) {
      return Optional.empty();
    }
    return Optional.of(new ObjectMapper().readTree(r.output()).path("status").asText("unknown"));
  }

  /** Deletes runc's state of the container, killing it first if needed; no error when gone. */
  void delete(String id) throws IOException {
    Result r = command("delete", "--force", id);
    if (r.exit() != 0 && status(id).isPresent()) {
      throw new ContainerException(
          Kind.FAILED, "runc delete " + id + " failed: " + r.output().strip());
    }
  }

  private record Result(int exit, String output) {}

  private Result command(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(runc, "--root", root.toString()));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new ContainerException(
          Kind.FAILED,
          "cannot run " + runc + ": " + e.getMessage() + ": install it (apt-get install -y runc)",
          e);
    }
    p.getOutputStream().close();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ContainerException(
            Kind.FAILED, String.join(" ", cmd) + " did not finish in " + COMMAND_SECONDS + "s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + String.join(" ", cmd));
    }
  }
}
