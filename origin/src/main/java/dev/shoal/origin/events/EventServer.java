package dev.shoal.origin.events;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC server of the origin's event stream ({@code shoal.events.v1}); owns its service. */
public final class EventServer implements AutoCloseable {
  private final Server server;
  private final EventService service;
  private final HostPort address;

  private EventServer(Server server, EventService service, HostPort address) {
    this.server = server;
    this.service = service;
    this.address = address;
  }

  /**
   * Starts serving {@code service} on {@code listen}; port 0 picks a free port. The server closes
   * the service, also when it cannot start.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public static EventServer start(HostPort listen, EventService service) throws IOException {
    requireNonNull(listen, "listen");
    requireNonNull(service, "service");
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()))
            .addService(service)
            // A subscription request is a cursor and a few prefixes.
            .maxInboundMessageSize(64 << 10)
            // A stream can be quiet for hours: pings find agents that vanished, so that their
            // subscriptions end, and keep idle connections open through NAT and load balancers.
            .keepAliveTime(1, TimeUnit.MINUTES)
            .keepAliveTimeout(20, TimeUnit.SECONDS)
            .permitKeepAliveTime(30, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      service.close();
      throw new IOException("event stream: cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
    return new EventServer(server, service, new HostPort(listen.host(), bound.getPort()));
  }

  /** Where it listens, with the bound port. */
  public HostPort address() {
    return address;
  }

  /**
   * Ends the subscriptions (UNAVAILABLE: subscribers resume later), then stops the server, waiting
   * at most a few seconds before cutting what is left.
   */
  @Override
  public void close() {
    // Subscriptions never end on their own: without this, shutdown() would always wait them out.
    service.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
