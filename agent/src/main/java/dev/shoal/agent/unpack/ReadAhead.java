package dev.shoal.agent.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream on its own thread, a few chunks ahead of the consumer: decompressing and hashing a
 * layer then overlap with writing its files, as {@code tar -xz} overlaps with its {@code gzip}
 * process. A failure of the source reaches the consumer as the same exception, at the point in the
 * stream where it happened. Closing stops the reading thread.
 */
final class ReadAhead extends InputStream {
  private static final int CHUNK = 1 << 20;
  private static final int AHEAD = 4;
  private static final byte[] END = new byte[0];

  private record Chunk(byte[] bytes, int length, IOException failure) {}

  private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(AHEAD);

  /** Buffers the consumer is done with, reused so a large layer does not churn 1 MiB arrays. */
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(AHEAD + 2);

  private final InputStream source;
  private final Thread reader;
  private volatile boolean closed;
  private Chunk current = new Chunk(new byte[0], 0, null);
  private int pos;

  ReadAhead(InputStream source, String name) {
    this.source = source;
    this.reader = new Thread(this::readAll, name);
    reader.setDaemon(true);
    reader.start();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos == current.length()) {
      if (current.bytes() == END) {
        return -1;
      }
      if (current.bytes().length == CHUNK) {
        free.offer(current.bytes());
      }
      try {
        current = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted reading a layer");
      }
      pos = 0;
      if (current.failure() != null) {
        IOException failure = current.failure();
        current = new Chunk(END, 0, null);
        throw failure;
      }
    }
    int n = Math.min(len, current.length() - pos);
    System.arraycopy(current.bytes(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    reader.interrupt();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }

  private void readAll() {
    try {
      while (!closed) {
        byte[] buf = free.poll();
        if (buf == null) {
          buf = new byte[CHUNK];
        }
        int n = source.readNBytes(buf, 0, CHUNK);
        if (n == 0) {
          put(new Chunk(END, 0, null));
          return;
        }
        put(new Chunk(buf, n, null));
      }
    } catch (IOException e) {
      put(new Chunk(END, 0, e));
    } catch (RuntimeException e) {
      put(new Chunk(END, 0, new IOException("reading the layer failed: " + e, e)));
    }
  }

  /** Hands a chunk to the consumer, giving up once the stream is closed. */
  private void put(Chunk c) {
    try {
      while (!closed && !queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
        // The consumer is busy writing files; wait for room.
      }
    } catch (InterruptedException e) {
      // Only close() interrupts: the consumer is gone, nothing is waiting for the chunk.
    }
  }
}
