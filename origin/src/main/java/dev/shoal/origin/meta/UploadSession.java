package dev.shoal.origin.meta;

/**
 * A blob upload in progress (distribution spec "Pushing blobs"). Its bytes so far are in a file
 * named by {@code id}; {@code offset} is how many of them the origin has acknowledged; {@code
 * updatedMillis} is when it was started or last acknowledged a chunk.
 */
public record UploadSession(
    String id, String repository, long offset, long startedMillis, long updatedMillis) {}
