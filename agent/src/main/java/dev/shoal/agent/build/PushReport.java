package dev.shoal.agent.build;

import dev.shoal.core.digest.Digest;

/**
 * What a push did.
 *
 * @param digest the manifest's digest
 * @param layers the image's layers
 * @param pushed layers uploaded
 * @param pushedBytes their bytes
 * @param mounted layers mounted from another repository of the same registry (not uploaded)
 */
public record PushReport(Digest digest, int layers, int pushed, long pushedBytes, int mounted) {
  /** Layers the registry had already or mounted: everything not uploaded. */
  public int alreadyThere() {
    return layers - pushed;
  }

  /** {@code pushed N of M layers (X bytes), K already there}. */
  public String summary() {
    return "pushed "
        + pushed
        + " of "
        + layers
        + " layers ("
        + pushedBytes
        + " bytes), "
        + alreadyThere()
        + " already there"
        + (mounted > 0 ? " (" + mounted + " mounted from the base's repository)" : "");
  }
}
