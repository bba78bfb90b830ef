package dev.shoal.core.store;

/**
 * What startup reconciliation found and did, and the totals it counted on the way.
 *
 * @param adopted blob files without a complete record that hashed right and were indexed
 * @param removedFiles files removed: temporaries, wrong bytes, partial files without a record
 * @param droppedRecords records whose file was missing or wrong
 * @param droppedPieces piece bits cleared because the bytes on disk did not match the piece table
 */
record ReconcileReport(
    int adopted,
    int removedFiles,
    int droppedRecords,
    int droppedPieces,
    long completeBlobs,
    long completeBytes,
    long partialBlobs,
    long partialBytes) {

  boolean changedAnything() {
    return adopted + removedFiles + droppedRecords + droppedPieces > 0;
  }
}
