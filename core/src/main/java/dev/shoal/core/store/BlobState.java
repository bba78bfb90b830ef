package dev.shoal.core.store;

/** Whether the store holds a blob whole and verified, or only some of its pieces. */
public enum BlobState {
  PARTIAL,
  COMPLETE
}
