package dev.shoal.agent.cli;

import com.google.protobuf.ByteString;
import dev.shoal.core.config.Environment;
import dev.shoal.core.registry.RegistryClientTuning;
import dev.shoal.proto.control.v1.ContainerEntry;
import dev.shoal.proto.control.v1.ControlGrpc;
import dev.shoal.proto.control.v1.ListContainersRequest;
import dev.shoal.proto.control.v1.ListContainersResponse;
import dev.shoal.proto.control.v1.LogsRequest;
import dev.shoal.proto.control.v1.LogsResponse;
import dev.shoal.proto.control.v1.RemoveContainerRequest;
import dev.shoal.proto.control.v1.RemoveContainerResponse;
import dev.shoal.proto.control.v1.RunRequest;
import dev.shoal.proto.control.v1.RunResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The workload the {@code ./shoal} launcher records its class data sharing archive with ({@code
 * -XX:ArchiveClassesAtExit}): the usual commands against a stand-in agent on loopback, output
 * discarded, so that the classes a real {@code shoal run} or {@code shoal ps} loads come from the
 * archive. Not a command: a user has nothing to do with it.
 */
public final class CdsTraining {
  private static final String ID = "0123456789ab";

  private CdsTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    RegistryClientTuning.apply();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new StandInAgent())
            .build()
            .start();
    try {
      String agent = "127.0.0.1:" + server.getPort();
      run("run", "--agent", agent, "--rm", "training", "--", "true");
      run("ps", "--agent", agent, "-a");
      run("ps", "--agent", agent, "--json");
      run("logs", "--agent", agent, ID);
      run("rm", "--agent", agent, ID);
      run("version");
      run("help");
      run("run", "--help");
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void run(String... args) {
    PrintStream nowhere =
        new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    CommandLine cli =
        ShoalCli.commandLine(
            Environment.system(),
            Clock.systemUTC(),
            InputStream.nullInputStream(),
            nowhere,
            nowhere,
            ShoalCli.commandsFor(args));
    cli.setOut(new PrintWriter(nowhere, true));
    cli.setErr(new PrintWriter(nowhere, true));
    cli.execute(args);
  }

  /** Answers the container calls as an agent with one exited container would. */
  private static final class StandInAgent extends ControlGrpc.ControlImplBase {
    private static final ContainerEntry ENTRY =
        ContainerEntry.newBuilder()
            .setId(ID)
            .setName(ID)
            .setImage("training")
            .addAllArgs(List.of("true"))
            .setState("exited")
            .setCreatedMillis(1)
            .setStartedMillis(2)
            .setFinishedMillis(3)
            .build();

    @Override
    public void run(RunRequest request, StreamObserver<RunResponse> out) {
      out.onNext(RunResponse.newBuilder().setContainer(ENTRY).build());
      out.onCompleted();
    }

    @Override
    public void listContainers(
        ListContainersRequest request, StreamObserver<ListContainersResponse> out) {
      out.onNext(ListContainersResponse.newBuilder().addContainers(ENTRY).build());
      out.onCompleted();
    }

    @Override
    public void logs(LogsRequest request, StreamObserver<LogsResponse> out) {
      out.onNext(
          LogsResponse.newBuilder()
              .setStream(LogsResponse.Stream.STREAM_STDOUT)
              .setData(ByteString.copyFromUtf8("hello\n"))
              .build());
      out.onNext(LogsResponse.newBuilder().setState("exited").setExited(true).build());
      out.onCompleted();
    }

    @Override
    public void removeContainer(
        RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> out) {
      out.onNext(RemoveContainerResponse.newBuilder().setId(ID).setName(ID).build());
      out.onCompleted();
    }
  }
}
