package dev.shoal.agent.peer;

import dev.shoal.agent.fetch.BlobSource;
import dev.shoal.agent.fetch.PieceSizes;
import dev.shoal.core.digest.Digest;
import dev.shoal.proto.peer.v1.PieceData;
import dev.shoal.proto.peer.v1.ReadPiecesRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blob's bytes from another agent ({@code ReadPieces}), as the stream a fetch reads. The reader
 * asks for one message at a time, so a fast peer cannot fill memory; a peer that sends nothing for
 * {@code stall} fails the read, and the fetch turns to its next source.
 */
final class PeerBlobSource implements BlobSource {
  private static final Object END = new Object();

  private final PeerClient peer;
  private final Digest digest;
  private final long size;
  private final Duration stall;
  private final Runnable onBadBytes;

  /**
   * @param onBadBytes called when the blob this peer sent did not match its digest
   */
  PeerBlobSource(PeerClient peer, Digest digest, long size, Duration stall, Runnable onBadBytes) {
    this.peer = peer;
    this.onBadBytes = onBadBytes;
    this.digest = digest;
    this.size = size;
    this.stall = stall;
  }

  @Override
  public InputStream open(long offset) throws IOException {
    int pieceSize = PieceSizes.forSize(size);
    if (offset % pieceSize != 0) {
      throw new IllegalArgumentException("offset " + offset + " is not at a piece boundary");
    }
    Stream s = new Stream(offset);
    peer.async()
        .readPieces(
            ReadPiecesRequest.newBuilder()
                .setDigest(digest.toString())
                .setFirstPiece((int) (offset / pieceSize))
                .build(),
            s);
    return s;
  }

  @Override
  public void distrust() {
    onBadBytes.run();
  }

  @Override
  public String kind() {
    return "peer";
  }

  @Override
  public String name() {
    return "peer " + peer.address();
  }

  /** The messages of one call, read as bytes in order. */
  private final class Stream extends InputStream
      implements ClientResponseObserver<ReadPiecesRequest, PieceData> {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile ClientCallStreamObserver<ReadPiecesRequest> call;
    private long expected;
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean ended;

    Stream(long offset) {
      this.expected = offset;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReadPiecesRequest> requestStream) {
      this.call = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(PieceData value) {
      queue.add(value);
    }

    @Override
    public void onError(Throwable t) {
      queue.add(t);
    }

    @Override
    public void onCompleted() {
      queue.add(END);
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
      while (!current.hasRemaining()) {
        if (ended) {
          return -1;
        }
        next();
      }
      int n = Math.min(len, current.remaining());
      current.get(b, off, n);
      return n;
    }

    private void next() throws IOException {
      Object item;
      try {
        item = queue.poll(stall.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("reading " + digest + " from " + peer.address());
      }
      if (item == null) {
        close();
        throw new IOException(
            "peer "
                + peer.address()
                + " sent nothing of "
                + digest
                + " for "
                + stall.toMillis()
                + " ms");
      }
      if (item == END) {
        ended = true;
        return;
      }
      if (item instanceof Throwable t) {
        ended = true;
        throw new IOException("peer " + peer.address() + ": " + t.getMessage(), t);
      }
      PieceData data = (PieceData) item;
      if (data.getOffset() != expected) {
        close();
        throw new IOException(
            "peer "
                + peer.address()
                + " sent offset "
                + data.getOffset()
                + " (expected: "
                + expected
                + ")");
      }
      expected += data.getData().size();
      current = data.getData().asReadOnlyByteBuffer();
      call.request(1);
    }

    @Override
    public void close() {
      if (!ended && call != null) {
        call.cancel("reader closed", null);
      }
      ended = true;
    }
  }
}
