package dev.shoal.core.registry;

import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;

/**
 * The body of a registry request. Bytes may be sent again on a retry; a stream only once, so a
 * request with a stream is never retried after it was sent.
 */
final class RequestBody {
  private static final RequestBody NONE = new RequestBody(null, null, 0);

  private final byte[] bytes;
  private final InputStream stream;
  private final long length;
  private boolean sent;

  private RequestBody(byte[] bytes, InputStream stream, long length) {
    this.bytes = bytes;
    this.stream = stream;
    this.length = length;
  }

  static RequestBody none() {
    return NONE;
  }

  static RequestBody bytes(byte[] bytes) {
    return new RequestBody(bytes, null, bytes.length);
  }

  /** {@code length} bytes of {@code stream}, sent with a Content-Length. */
  static RequestBody stream(InputStream stream, long length) {
    return new RequestBody(null, stream, length);
  }

  boolean isEmpty() {
    return bytes == null && stream == null;
  }

  /** Whether the body can be sent (again): bytes always, a stream until it was handed out once. */
  synchronized boolean canSend() {
    return stream == null || !sent;
  }

  synchronized BodyPublisher publisher() {
    if (bytes != null) {
      return BodyPublishers.ofByteArray(bytes);
    }
    if (stream != null) {
      if (sent) {
        throw new IllegalStateException("a stream body is sent once");
      }
      sent = true;
      return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> stream), length);
    }
    return BodyPublishers.noBody();
  }
}
