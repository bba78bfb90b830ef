package dev.shoal.core.http;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty HTTP/1.1 server bound to one address. Uses epoll when the native transport loads, NIO
 * otherwise ({@code -Dio.netty.transport.noNative=true} forces NIO). {@link #close()} stops
 * accepting, then lets the event loops finish what they are writing.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final int IDLE_SECONDS = 120;

  /**
   * Header limits as Netty's defaults; body chunks up to 1 MiB instead of 8 KiB, so an upload
   * reaches its handler in a few large pieces rather than thousands of small ones.
   */
  private static final HttpDecoderConfig HTTP_LIMITS =
      new HttpDecoderConfig().setMaxChunkSize(1 << 20);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final ExecutorService io;
  private final Channel channel;
  private final InetSocketAddress address;
  private final HostPort listen;

  private HttpServer(
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      ExecutorService io,
      Channel channel,
      HostPort listen) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.io = io;
    this.channel = channel;
    this.address = (InetSocketAddress) channel.localAddress();
    this.listen = listen;
  }

  /**
   * Binds {@code listen} (port 0: any free port, see {@link #port()}) and serves {@code router}.
   *
   * @throws IOException naming the address when it cannot be resolved or bound
   */
  public static HttpServer start(HostPort listen, Router router) throws IOException {
    requireNonNull(listen, "listen");
    requireNonNull(router, "router");
    InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
    if (address.isUnresolved()) {
      throw new IOException("cannot listen on " + listen + ": unknown host " + listen.host());
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup acceptor =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("shoal-http-accept"), io);
    // 0 threads: Netty's default, twice the number of cores.
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("shoal-http"), io);
    // Blocking work of prefix routes (disk, RocksDB, hashing); one request per connection at a
    // time.
    ExecutorService blocking = ioExecutor();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec(HTTP_LIMITS))
                        .addLast(new LingeringClose())
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpServerExpectContinueHandler())
                        .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS))
                        .addLast(new HttpDispatcher(router, blocking));
                  }
                });
    ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      shutdown(acceptor, workers);
      blocking.shutdownNow();
      Throwable cause = bind.cause();
      throw new IOException("cannot listen on " + listen + ": " + cause.getMessage(), cause);
    }
    HttpServer server = new HttpServer(acceptor, workers, blocking, bind.channel(), listen);
    log.info("http server bound address={} transport={}", server.uri(), epoll ? "epoll" : "nio");
    return server;
  }

  /** The bound port: the configured one, or the one the OS chose for port 0. */
  public int port() {
    return address.getPort();
  }

  /** {@code http://HOST:PORT} with the configured host and the bound port. */
  public URI uri() {
    return URI.create("http://" + listen.urlHost() + ":" + port());
  }

  /** Stops accepting connections, then shuts the event loops down (bounded: a few seconds). */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    shutdown(acceptor, workers);
    io.shutdown();
    try {
      if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      io.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Up to 64 threads, created on demand and retired when idle. */
  private static ExecutorService ioExecutor() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            64,
            64,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("shoal-http-io", true));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static void shutdown(EventLoopGroup acceptor, EventLoopGroup workers) {
    Future<?> a = acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    Future<?> w = workers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS);
    a.awaitUninterruptibly();
    w.awaitUninterruptibly();
  }
}
