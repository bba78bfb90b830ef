package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.oci.Descriptor;
import java.util.Map;

/**
 * How far one blob of a pull got.
 *
 * @param bytesDone bytes in the store so far; the size once done
 * @param bySource bytes by where they came from: {@link ImageFill#LOCAL} (in the store before the
 *     pull), {@code peer HOST:PORT} or {@code upstream NAME}
 * @param done whether the store holds the blob complete and verified
 */
public record BlobProgress(
    Descriptor descriptor, long bytesDone, Map<String, Long> bySource, boolean done) {
  public BlobProgress {
    requireNonNull(descriptor, "descriptor");
    bySource = Map.copyOf(bySource);
  }
}
