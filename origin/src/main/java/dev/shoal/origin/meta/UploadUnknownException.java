package dev.shoal.origin.meta;

import java.io.IOException;

/** No upload session has this id (never started, ended, or from another origin). */
public final class UploadUnknownException extends IOException {
  public UploadUnknownException(String id) {
    super("upload " + id + " is unknown");
  }
}
