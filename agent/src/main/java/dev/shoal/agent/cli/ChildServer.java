package dev.shoal.agent.cli;

import dev.shoal.core.cli.CliErrors.FailureException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server role (origin or agent) running as a child process started through the launcher. Its
 * output is copied to {@code log} with the role as prefix; its first line says where it listens.
 */
final class ChildServer {
  private static final Pattern LISTENING = Pattern.compile("^shoal \\S+ listening on (\\S+) ");
  private static final Pattern CONTROL = Pattern.compile("\\(control (\\S+?),");
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final String role;
  private final Process process;
  private final CompletableFuture<URI> listening = new CompletableFuture<>();
  private volatile String control;
  private final List<Thread> pumps = new ArrayList<>();

  private ChildServer(String role, Process process) {
    this.role = role;
    this.process = process;
  }

  /** Starts {@code launcher role args…}. */
  static ChildServer start(Path launcher, String role, List<String> args, PrintStream log)
      throws IOException {
    return start(launcher, role, role, args, java.util.Map.of(), log);
  }

  /**
   * Starts {@code launcher role args…} with {@code env} added to this process's environment, its
   * output copied to {@code log} with {@code name} as prefix.
   */
  static ChildServer start(
      Path launcher,
      String role,
      String name,
      List<String> args,
      java.util.Map<String, String> env,
      PrintStream log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.add(role);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    ChildServer child = new ChildServer(name, process);
    String prefix = String.format("  %-6s | ", name);
    child.pump(
        process.getInputStream(),
        line -> {
          Matcher m = LISTENING.matcher(line);
          if (!child.listening.isDone() && m.find()) {
            Matcher c = CONTROL.matcher(line);
            if (c.find()) {
              child.control = c.group(1);
            }
            child.listening.complete(URI.create(m.group(1)));
          }
          log.println(prefix + line);
        },
        "stdout");
    child.pump(process.getErrorStream(), line -> log.println(prefix + line), "stderr");
    return child;
  }

  private void pump(InputStream stream, Consumer<String> sink, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // The child is gone or its pipe was closed: nothing left to copy.
              } finally {
                listening.completeExceptionally(new IOException(role + " closed its " + name));
              }
            },
            "shoal-demo-" + role + "-" + name);
    thread.setDaemon(true);
    thread.start();
    pumps.add(thread);
  }

  String role() {
    return role;
  }

  /** The control API address from the ready line, for an agent; null for an origin. */
  String controlAddress() {
    return control;
  }

  long pid() {
    return process.pid();
  }

  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** The base URL the child printed once it listened. */
  URI awaitListening(Instant deadline) throws FailureException, InterruptedException {
    try {
      return listening.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new FailureException(role + " did not start listening in time (its log is above)");
    } catch (ExecutionException e) {
      throw new FailureException(
          role + " exited with status " + exitStatus() + " while starting (its log is above)");
    }
  }

  /** Polls {@code /readyz} until it answers 200, the child exits, or the deadline passes. */
  void awaitReady(HttpClient client, URI base, Instant deadline)
      throws FailureException, InterruptedException {
    URI readyz = base.resolve("/readyz");
    HttpRequest request = HttpRequest.newBuilder(readyz).timeout(REQUEST_TIMEOUT).GET().build();
    String last = "no answer";
    while (true) {
      if (!process.isAlive()) {
        throw new FailureException(
            role + " exited with status " + exitStatus() + " while starting (its log is above)");
      }
      try {
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return;
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.toString();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new FailureException(
            role + " was not ready in time (" + readyz + " last answered: " + last + ")");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Stops the child: SIGTERM (it closes its store and exits), SIGKILL after {@code grace}; then
   * waits for it and for its output to be copied. Safe to call more than once.
   */
  void stop(Duration grace) throws InterruptedException {
    ProcessHandle handle = process.toHandle();
    List<ProcessHandle> descendants = handle.descendants().toList();
    handle.destroy();
    descendants.forEach(ProcessHandle::destroy);
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      handle.destroyForcibly();
      process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroyForcibly();
      }
    }
    for (Thread pump : pumps) {
      pump.join(1_000);
    }
  }

  private String exitStatus() throws InterruptedException {
    return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "unknown";
  }

  private static long remainingMillis(Instant deadline) {
    return Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
  }
}
