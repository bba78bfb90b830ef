package dev.shoal.core.distribution;

import dev.shoal.core.http.HttpError;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * A single {@code Range: bytes=start-end} of a blob GET (RFC 9110 14.2); {@code bytes=start-} and
 * suffix ranges {@code bytes=-n} too. Several ranges in one request are not supported.
 *
 * @param partial whether a range was asked for (answer 206 with {@link #contentRange})
 */
public record ByteRange(long start, long length, boolean partial) {

  /**
   * The range {@code header} asks of a blob of {@code size} bytes; the whole blob when null.
   *
   * @throws HttpError 416 {@code RANGE_INVALID} with {@code Content-Range: bytes *\/size}
   */
  public static ByteRange parse(String header, long size) throws HttpError {
    if (header == null || header.isBlank()) {
      return new ByteRange(0, size, false);
    }
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.contains(",")) {
      throw unsatisfiable(header, size);
    }
    String spec = h.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw unsatisfiable(header, size);
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      long start;
      long end;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(a);
        end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      }
      if (start < 0 || start >= size || end < start) {
        throw unsatisfiable(header, size);
      }
      return new ByteRange(start, end - start + 1, true);
    } catch (NumberFormatException e) {
      throw unsatisfiable(header, size);
    }
  }

  public String contentRange(long size) {
    return "bytes " + start + "-" + (start + length - 1) + "/" + size;
  }

  private static HttpError unsatisfiable(String header, long size) {
    return new HttpError(
        "range not satisfiable: " + header,
        () -> {
          var r =
              RegistryErrors.error(
                  HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                  "RANGE_INVALID",
                  "range " + header + " is not satisfiable for a blob of " + size + " bytes",
                  Map.of());
          r.headers().set("Content-Range", "bytes */" + size);
          return r;
        });
  }
}
