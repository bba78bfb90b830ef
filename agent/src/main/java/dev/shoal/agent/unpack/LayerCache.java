package dev.shoal.agent.unpack;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.digest.Digest;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked layers, one directory per diff id: {@code <layersDir>/<algorithm>-<hex>} (a dash, not a
 * colon, since overlay's {@code lowerdir} option separates paths with colons).
 *
 * <p>A layer is unpacked into {@code <layersDir>/.tmp-…} and renamed into place only once every
 * entry was written and its diff id checked, so a layer directory is complete or absent, also after
 * a crash (leftover temp directories are removed when the cache is created). Concurrent calls for
 * one diff id unpack it once; different layers unpack in parallel. Unpacking needs root: it sets
 * owners and makes whiteout device nodes. See {@link LayerWriter} for what is refused and why.
 */
public final class LayerCache {
  private static final Logger log = LoggerFactory.getLogger(LayerCache.class);
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path layersDir;
  private final UnpackLimits limits;
  private final ConcurrentHashMap<Digest, Object> locks = new ConcurrentHashMap<>();

  /** Creates {@code layersDir} if needed and removes temp directories a crash left there. */
  public LayerCache(Path layersDir, UnpackLimits limits) {
    this.layersDir = requireNonNull(layersDir, "layersDir");
    this.limits = requireNonNull(limits, "limits");
    try {
      Files.createDirectories(layersDir);
      try (DirectoryStream<Path> stale = Files.newDirectoryStream(layersDir, TEMP_PREFIX + "*")) {
        for (Path p : stale) {
          log.info("removing an interrupted unpack path={}", p);
          Trees.deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("layers directory " + layersDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The directory holding the layer in overlay form, unpacking {@code blob} first if needed.
   *
   * @param mediaType the layer descriptor's media type; a blob's magic bytes win over it
   * @throws LayerRejectedException when the layer is unsafe, malformed or its uncompressed digest
   *     is not {@code diffId}; nothing of it is left behind
   */
  public Path unpack(Digest diffId, String mediaType, Path blob) throws IOException {
    requireNonNull(diffId, "diffId");
    requireNonNull(blob, "blob");
    Path dir = pathOf(diffId);
    if (contains(diffId)) {
      return dir;
    }
    synchronized (lockFor(diffId)) {
      if (contains(diffId)) {
        return dir;
      }
      Path temp = Files.createTempDirectory(layersDir, TEMP_PREFIX + diffId.shortHex() + "-");
      boolean done = false;
      try {
        long start = System.nanoTime();
        // The layer root's mode unless the tar's "./" entry sets another (temp dirs are 0700).
        Files.setAttribute(temp, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
        LayerUnpacker.unpack(diffId, mediaType, blob, temp, limits);
        try {
          Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
          // Another process unpacked it first; both copies are verified, keep the one in place.
          return dir;
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("cannot rename " + temp + " to " + dir + " atomically", e);
        }
        done = true;
        log.debug(
            "unpacked layer={} ms={}", diffId.shortHex(), (System.nanoTime() - start) / 1_000_000);
        return dir;
      } finally {
        if (!done) {
          Trees.deleteRecursively(temp);
        }
      }
    }
  }

  /** Whether the layer is unpacked. */
  public boolean contains(Digest diffId) {
    return Files.isDirectory(pathOf(requireNonNull(diffId, "diffId")), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Removes the unpacked layer, if present. The caller makes sure no root filesystem uses it; the
   * directory first moves aside, so it disappears at once even while its files are deleted.
   */
  public void delete(Digest diffId) throws IOException {
    requireNonNull(diffId, "diffId");
    synchronized (lockFor(diffId)) {
      Path dir = pathOf(diffId);
      if (!contains(diffId)) {
        return;
      }
      Path aside =
          layersDir.resolve(
              TEMP_PREFIX + "deleting-" + diffId.algorithm().prefix() + "-" + diffId.hex());
      Trees.deleteRecursively(aside);
      Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
      Trees.deleteRecursively(aside);
    }
  }

  /** What {@link #locked} runs. */
  @FunctionalInterface
  public interface LockedAction<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code action} while no other unpack, delete or locked action of this layer runs, so that
   * a caller can check who uses a layer and delete it, or unpack it and record that, as one step.
   */
  public <T> T locked(Digest diffId, LockedAction<T> action) throws IOException {
    requireNonNull(action, "action");
    synchronized (lockFor(requireNonNull(diffId, "diffId"))) {
      return action.run();
    }
  }

  /** The diff ids of the layers unpacked now, in no particular order. */
  public List<Digest> list() throws IOException {
    List<Digest> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layersDir)) {
      for (Path p : dirs) {
        String name = p.getFileName().toString();
        int dash = name.indexOf('-');
        if (name.startsWith(TEMP_PREFIX)
            || dash <= 0
            || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String digest = name.substring(0, dash) + ":" + name.substring(dash + 1);
        if (Digest.isDigest(digest)) {
          out.add(Digest.parse(digest));
        } else {
          // Not ours (made by hand?): leave it alone rather than guess.
          log.debug("not a layer directory, ignored path={}", p);
        }
      }
    }
    return out;
  }

  /** Bytes of the files of an unpacked layer (apparent sizes); 0 when it is not unpacked. */
  public long bytes(Digest diffId) throws IOException {
    return contains(diffId) ? Trees.apparentSize(pathOf(diffId)) : 0;
  }

  /** Where the layer is (or would be) unpacked. */
  public Path pathOf(Digest diffId) {
    return layersDir.resolve(diffId.algorithm().prefix() + "-" + diffId.hex());
  }

  private Object lockFor(Digest diffId) {
    return locks.computeIfAbsent(diffId, d -> new Object());
  }
}
