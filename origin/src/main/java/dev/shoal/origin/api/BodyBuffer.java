package dev.shoal.origin.api;

import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/** Collects a small request body (a manifest) in memory, refusing more than a limit with 413. */
final class BodyBuffer implements BodyConsumer {
  /** What to do with the whole body. */
  interface End {
    void run(Exchange exchange, byte[] body) throws Exception;
  }

  private final int limit;
  private final End end;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  BodyBuffer(int limit, End end) {
    this.limit = limit;
    this.end = end;
  }

  @Override
  public void onData(ByteBuf chunk) throws HttpError, java.io.IOException {
    if (bytes.size() + chunk.readableBytes() > limit) {
      throw ApiErrors.tooLarge("manifest is larger than " + limit + " bytes");
    }
    chunk.readBytes(bytes, chunk.readableBytes());
  }

  @Override
  public void onEnd(Exchange exchange) throws Exception {
    end.run(exchange, bytes.toByteArray());
  }
}
