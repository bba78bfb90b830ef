package dev.shoal.agent.mirror;

import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.core.http.ResponseStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * Sends a range of a blob that is still downloading, from its file with zero copy, as the bytes
 * become sendable. Everything runs on the connection's event loop, woken by the fetch's progress
 * and by completed writes, so a waiting client holds no thread. The range's last byte waits for the
 * fetch to have verified the whole blob; if the fetch fails, the connection is closed mid-body: the
 * client sees a truncated answer, never a complete wrong one.
 */
final class BlobSender {
  private static final long MAX_WRITE = 4L << 20;

  private final ResponseStream out;
  private final BlobFetch fetch;
  private final FileChannel file;
  private final long end;
  private final LongConsumer sent;
  private long position;
  private boolean writing;
  private boolean finished;
  private Runnable unsubscribe = () -> {};

  private BlobSender(
      ResponseStream out,
      BlobFetch fetch,
      FileChannel file,
      long start,
      long length,
      LongConsumer sent) {
    this.out = out;
    this.fetch = fetch;
    this.file = file;
    this.position = start;
    this.end = start + length;
    this.sent = sent;
  }

  /**
   * Starts sending {@code [start, start + length)} of {@code fetch}'s blob to {@code out}.
   *
   * @param file a reader of the blob's file, owned by the sender from now on
   * @param sent told of every chunk written
   */
  static void start(
      ResponseStream out,
      BlobFetch fetch,
      FileChannel file,
      long start,
      long length,
      LongConsumer sent) {
    BlobSender s = new BlobSender(out, fetch, file, start, length, sent);
    out.executor()
        .execute(
            () -> {
              s.unsubscribe = fetch.subscribe(() -> out.executor().execute(s::pump));
              out.onClose(() -> out.executor().execute(s::pump));
              s.pump();
            });
  }

  private void pump() {
    if (finished || writing) {
      return;
    }
    if (!out.isOpen()) {
      finish();
      return;
    }
    if (fetch.result().isCompletedExceptionally()) {
      // The file first: a failed download's file is deleted, and its space comes back only once
      // no reader holds it open. A client told of the failure may at once ask for something else.
      finish();
      out.abort();
      return;
    }
    // A range ending before the blob's last piece would otherwise be answered whole from bytes not
    // yet checked against the digest.
    long limit = Math.min(fetch.sendable(), fetch.verified() ? end : end - 1);
    if (position < limit) {
      long n = Math.min(limit - position, MAX_WRITE);
      writing = true;
      out.write(file, position, n)
          .addListener(
              f -> {
                writing = false;
                if (!f.isSuccess()) {
                  finish();
                  out.abort();
                  return;
                }
                position += n;
                sent.accept(n);
                pump();
              });
      return;
    }
    if (position == end) {
      out.end();
      finish();
    }
  }

  private void finish() {
    finished = true;
    unsubscribe.run();
    try {
      file.close();
    } catch (IOException e) {
      // A read-only channel: nothing was buffered that closing could lose.
    }
  }
}
