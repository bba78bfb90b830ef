package dev.shoal.core.store;

/**
 * A snapshot of what the store holds.
 *
 * @param completeBlobs blobs held whole and verified
 * @param partialBlobs downloads in progress
 * @param completeBytes bytes of complete blobs
 * @param partialBytes bytes of the pieces held of partial blobs
 */
public record StoreStats(
    long completeBlobs, long partialBlobs, long completeBytes, long partialBytes) {}
