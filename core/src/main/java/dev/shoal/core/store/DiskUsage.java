package dev.shoal.core.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the file system under the store is; injected so eviction can be tested. */
public interface DiskUsage {
  /** Size of the file system in bytes. */
  long totalBytes() throws IOException;

  /** Bytes this process may still write. */
  long usableBytes() throws IOException;

  /** The real file system that holds {@code dir}. */
  static DiskUsage of(Path dir) throws IOException {
    FileStore fs = Files.getFileStore(dir);
    return new DiskUsage() {
      @Override
      public long totalBytes() throws IOException {
        return fs.getTotalSpace();
      }

      @Override
      public long usableBytes() throws IOException {
        return fs.getUsableSpace();
      }
    };
  }
}
