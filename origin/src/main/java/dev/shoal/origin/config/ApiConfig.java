package dev.shoal.origin.config;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.ConfigValues;
import dev.shoal.core.config.HostPort;
import java.time.Duration;

/**
 * Settings of the origin's registry API (OCI Distribution) server.
 *
 * @param listen address of the API's HTTP server
 * @param uploadTtl how long an upload session may stay untouched (no chunk) before it is removed
 *     with its bytes
 */
public record ApiConfig(HostPort listen, Duration uploadTtl) {
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5000);
  public static final Duration DEFAULT_UPLOAD_TTL = Duration.ofHours(24);

  /** Shorter would cut off clients that pause between chunks, as slow links and retries do. */
  public static final Duration MIN_UPLOAD_TTL = Duration.ofMinutes(1);

  public ApiConfig {
    requireNonNull(listen, "listen");
    requireNonNull(uploadTtl, "uploadTtl");
    if (uploadTtl.compareTo(MIN_UPLOAD_TTL) < 0) {
      throw new IllegalArgumentException(
          "api.uploadTtl: "
              + ConfigValues.formatDuration(uploadTtl)
              + " (expected: >= "
              + ConfigValues.formatDuration(MIN_UPLOAD_TTL)
              + ")");
    }
  }

  /** Listens on {@code listen}; every other setting is its default. */
  public ApiConfig(HostPort listen) {
    this(listen, DEFAULT_UPLOAD_TTL);
  }

  public static ApiConfig defaults() {
    return new ApiConfig(DEFAULT_LISTEN);
  }

  public ApiConfig withListen(HostPort address) {
    return new ApiConfig(address, uploadTtl);
  }

  public ApiConfig withUploadTtl(Duration ttl) {
    return new ApiConfig(listen, ttl);
  }
}
