package dev.shoal.agent.control;

import dev.shoal.agent.grpc.GrpcServer;
import dev.shoal.core.config.HostPort;
import io.grpc.BindableService;
import java.io.IOException;

/** The gRPC server of the agent's control API, on a loopback address. */
public final class ControlServer implements AutoCloseable {
  private final GrpcServer server;

  private ControlServer(GrpcServer server) {
    this.server = server;
  }

  /**
   * Starts serving {@code service} on {@code listen}; port 0 picks a free port.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public static ControlServer start(HostPort listen, BindableService service) throws IOException {
    return new ControlServer(GrpcServer.start("control.listen", listen, service, 1 << 20));
  }

  /** Where it listens, with the bound port. */
  public HostPort address() {
    return server.address();
  }

  @Override
  public void close() {
    server.close();
  }
}
