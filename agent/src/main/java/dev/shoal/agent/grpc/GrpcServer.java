package dev.shoal.agent.grpc;

import dev.shoal.core.config.HostPort;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A gRPC server of the agent (control API, peer protocol) on one address. */
public final class GrpcServer implements AutoCloseable {
  private final Server server;
  private final HostPort address;

  private GrpcServer(Server server, HostPort address) {
    this.server = server;
    this.address = address;
  }

  /**
   * Starts serving {@code service} on {@code listen}; port 0 picks a free port.
   *
   * @param key the config key of the address, for the error message
   * @param maxMessage the largest request message accepted
   * @throws IOException naming the key and the address when it cannot be bound
   */
  public static GrpcServer start(
      String key, HostPort listen, BindableService service, int maxMessage) throws IOException {
    return start(key, listen, List.of(service), maxMessage, Optional.empty());
  }

  /**
   * Starts serving {@code services} on {@code listen}, with TLS when {@code tls} is given.
   *
   * @param tls the server side of TLS (which also says whether clients must present a certificate);
   *     empty: plaintext
   * @throws IOException naming the key and the address when it cannot be bound
   */
  public static GrpcServer start(
      String key,
      HostPort listen,
      List<? extends BindableService> services,
      int maxMessage,
      Optional<SslContext> tls)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()))
            .maxInboundMessageSize(maxMessage);
    services.forEach(builder::addService);
    tls.ifPresent(builder::sslContext);
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException(key + ": cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
    return new GrpcServer(server, new HostPort(listen.host(), bound.getPort()));
  }

  /** Where it listens, with the bound port. */
  public HostPort address() {
    return address;
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
