package dev.shoal.agent.runtime;

import dev.shoal.proto.index.v1.ContainerRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reader of a container's output: its {@code stdout.log} and {@code stderr.log}, each from where
 * the last {@link #poll} ended. Output written to both between two polls comes stdout first: the
 * two files keep no order between them.
 */
public final class LogCursor {
  /** Output of one stream. */
  public record Chunk(boolean stderr, byte[] data) {}

  private final String id;
  private final Path stdout;
  private final Path stderr;
  private final Lifecycle lifecycle;
  private final Containers containers;
  private long outAt;
  private long errAt;

  LogCursor(String id, Path stdout, Path stderr, Lifecycle lifecycle, Containers containers) {
    this.id = id;
    this.stdout = stdout;
    this.stderr = stderr;
    this.lifecycle = lifecycle;
    this.containers = containers;
  }

  /**
   * New output: at most one chunk of at most {@code max} bytes per stream; empty when there is no
   * more. Call again until empty to read everything.
   */
  public List<Chunk> poll(int max) throws IOException {
    List<Chunk> out = new ArrayList<>();
    outAt = read(stdout, outAt, max, false, out);
    errAt = read(stderr, errAt, max, true, out);
    return out;
  }

  public boolean running() {
    return lifecycle.running(id);
  }

  /** Waits up to {@code max} for the container to exit; true when it is not running. */
  public boolean awaitExit(Duration max) throws IOException {
    return lifecycle.awaitExit(id, max);
  }

  /** The container's record as it is now. */
  public ContainerRecord record() throws IOException {
    return containers.find(id);
  }

  private static long read(Path file, long at, int max, boolean stderr, List<Chunk> out)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, Math.max(0, ch.size() - at)));
      int n = buf.capacity() == 0 ? 0 : ch.read(buf, at);
      if (n <= 0) {
        return at;
      }
      out.add(new Chunk(stderr, Arrays.copyOf(buf.array(), n)));
      return at + n;
    } catch (NoSuchFileException e) {
      return at; // not created yet: runc has not started
    }
  }
}
