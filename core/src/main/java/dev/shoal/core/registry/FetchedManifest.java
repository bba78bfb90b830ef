package dev.shoal.core.registry;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;

/**
 * A manifest exactly as the registry sent it.
 *
 * @param bytes the body, byte-exact (copied in and out: a manifest is at most 4 MiB)
 * @param contentType the Content-Type header, or empty when there was none
 * @param digest the digest the bytes were verified against
 */
public record FetchedManifest(byte[] bytes, String contentType, Digest digest) {
  public FetchedManifest {
    bytes = requireNonNull(bytes, "bytes").clone();
    requireNonNull(contentType, "contentType");
    requireNonNull(digest, "digest");
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
