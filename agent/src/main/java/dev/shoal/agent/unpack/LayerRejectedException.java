package dev.shoal.agent.unpack;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import java.io.IOException;

/**
 * A layer that Shoal refuses to unpack: an entry that would escape the layer's directory, a device
 * node, a decompression bomb, a malformed tar, or a diff id that does not match the image config.
 * Nothing of the layer is left on disk when this is thrown.
 */
public final class LayerRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Digest layer;
  private final String entry;
  private final String reason;

  /**
   * @param layer the layer's diff id
   * @param entry the tar entry's name as written in the archive, or null when the fault is the
   *     layer as a whole (its digest, its compression)
   * @param reason what is wrong, e.g. {@code a hard link to a path outside the layer}
   */
  public LayerRejectedException(Digest layer, String entry, String reason, Throwable cause) {
    super(message(layer, entry, reason), cause);
    this.layer = requireNonNull(layer, "layer");
    this.entry = entry;
    this.reason = requireNonNull(reason, "reason");
  }

  /** The diff id of the refused layer. */
  public Digest layer() {
    return layer;
  }

  /** The refused entry's name as it appears in the tar, or null for the layer as a whole. */
  public String entry() {
    return entry;
  }

  /** Why it was refused, without the layer and entry names. */
  public String reason() {
    return reason;
  }

  private static String message(Digest layer, String entry, String reason) {
    StringBuilder b = new StringBuilder("layer ").append(layer);
    if (entry != null) {
      b.append(": entry ").append(quote(entry));
    }
    return b.append(": ").append(reason).toString();
  }

  /** Quotes a name from the archive, escaping control characters and cutting very long ones. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    int n = Math.min(s.length(), 200);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else {
        b.append(c);
      }
    }
    if (s.length() > n) {
      b.append('…');
    }
    return b.append('"').toString();
  }
}
