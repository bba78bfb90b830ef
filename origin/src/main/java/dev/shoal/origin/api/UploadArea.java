package dev.shoal.origin.api;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Hashing;
import dev.shoal.core.http.BodyConsumer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * What the origin keeps of upload sessions besides their metadata: the directory of their files
 * ({@code <data>/uploads/<id>}), the hashes running over those files, and which sessions requests
 * are writing to right now, so that the {@link UploadSweeper} never removes a session from under a
 * request (nor a request revives one the sweeper is removing).
 */
public final class UploadArea {
  private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");

  /** The writer count of a session the sweeper is removing: no request may start on it. */
  private static final int SWEEPING = -1;

  /** A hash that has seen the first {@code offset} bytes of an upload. */
  record RunningHash(Hashing hashing, long offset) {}

  /** A request's hold on a session; closing it more than once is harmless. */
  final class Lease implements AutoCloseable {
    private final String id;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(String id) {
      this.id = id;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        writers.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  private final Path dir;
  private final Map<String, Integer> writers = new ConcurrentHashMap<>();
  // Lost on restart, when finishing an upload re-reads its file.
  private final Map<String, RunningHash> running = new ConcurrentHashMap<>();

  private UploadArea(Path dir) {
    this.dir = dir;
  }

  /** The area in {@code dir}, created if missing. */
  public static UploadArea open(Path dir) throws IOException {
    return new UploadArea(Files.createDirectories(requireNonNull(dir, "dir")));
  }

  /** The file of session {@code id}. */
  Path file(String id) {
    // Sessions are looked up by id before this, and ids are UUIDs the metadata made; this check
    // keeps any other string away from the file system should that ever change.
    if (!ID.matcher(id).matches()) {
      throw new IllegalStateException("upload id " + id + " is not a UUID");
    }
    return dir.resolve(id);
  }

  /** Ids of the session files present, whether or not a session still owns them. */
  List<String> fileIds() throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (ID.matcher(name).matches()) {
          ids.add(name);
        }
      }
    }
    return ids;
  }

  /** Holds session {@code id} for a request; null while the sweeper removes it. */
  Lease acquire(String id) {
    int n = writers.merge(id, 1, (old, one) -> old == SWEEPING ? SWEEPING : old + 1);
    return n == SWEEPING ? null : new Lease(id);
  }

  /**
   * Appends a request body to the file of the session {@code lease} holds, from {@code offset}; the
   * lease is released when the body has ended or the request failed.
   */
  BodyConsumer append(
      Lease lease, String id, long offset, UploadFile.End end, Runnable onAbort, Hashing hashing)
      throws IOException {
    try {
      return UploadFile.at(
          file(id),
          offset,
          (e, written) -> {
            try {
              end.run(e, written);
            } finally {
              lease.close();
            }
          },
          () -> {
            try {
              onAbort.run();
            } finally {
              lease.close();
            }
          },
          hashing);
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /** Reserves session {@code id} for removal; false while a request holds it. */
  boolean claimForSweep(String id) {
    return writers.putIfAbsent(id, SWEEPING) == null;
  }

  void endSweep(String id) {
    writers.remove(id, SWEEPING);
  }

  /**
   * Takes the session's running hash for one request, when it has seen exactly the {@code offset}
   * bytes the session acknowledged; it is put back only when that request succeeds, so a failed or
   * aborted chunk (whose bytes the next request cuts off the file) never leaves its bytes in it.
   */
  RunningHash takeHash(String id, long offset) {
    RunningHash h = running.remove(id);
    return h != null && h.offset() == offset ? h : null;
  }

  void putHash(String id, RunningHash hash) {
    running.put(id, hash);
  }

  void forgetHash(String id) {
    running.remove(id);
  }
}
