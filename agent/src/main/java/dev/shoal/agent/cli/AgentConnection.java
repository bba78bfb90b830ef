package dev.shoal.agent.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.shoal.agent.config.ControlConfig;
import dev.shoal.agent.control.ControlClient;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import dev.shoal.proto.control.v1.ControlGrpc;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a running agent shares ({@code --agent}, {@code --json}),
 * and the call itself with its errors turned into one line.
 */
final class AgentConnection {
  /** Environment variable naming the agent's control address, for scripts and CI jobs. */
  static final String AGENT_VARIABLE = "SHOAL_AGENT";

  @Option(
      names = "--agent",
      paramLabel = "HOST:PORT",
      description =
          "The agent's control API (default: $SHOAL_AGENT, else "
              + "127.0.0.1:5051, the agent's default control.listen).")
  String agent;

  @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
  boolean json;

  interface Call<T> {
    T run(ControlGrpc.ControlBlockingStub stub);
  }

  /** Runs one call against the agent. */
  <T> T call(java.util.Map<String, String> env, Call<T> call)
      throws ConfigException, FailureException {
    try (Session session = open(env)) {
      return session.call(call);
    }
  }

  /**
   * A connection for several calls in a row ({@code run}, its output, {@code rm}): one channel, one
   * TCP and HTTP/2 handshake.
   */
  Session open(java.util.Map<String, String> env) throws ConfigException {
    return new Session(new ControlClient(address(env)));
  }

  /** Calls over one connection to the agent, until closed. */
  static final class Session implements AutoCloseable {
    private final ControlClient client;

    private Session(ControlClient client) {
      this.client = client;
    }

    <T> T call(Call<T> call) throws FailureException {
      try {
        return call.run(client.call());
      } catch (StatusRuntimeException e) {
        throw new FailureException(client.explain(e));
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private HostPort address(java.util.Map<String, String> env) throws ConfigException {
    if (agent != null) {
      return HostPort.parse("--agent", agent);
    }
    String fromEnv = env.get(AGENT_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return HostPort.parse(AGENT_VARIABLE, fromEnv);
    }
    return ControlConfig.DEFAULT_LISTEN;
  }

  /** A message as JSON, with field names as in the .proto file (snake_case). */
  static String toJson(MessageOrBuilder message) {
    try {
      return JsonFormat.printer()
          .preservingProtoFieldNames()
          .alwaysPrintFieldsWithNoPresence()
          .print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print, and the control API has none.
      throw new IllegalStateException(e);
    }
  }
}
