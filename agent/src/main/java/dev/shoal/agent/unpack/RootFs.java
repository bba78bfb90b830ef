package dev.shoal.agent.unpack;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's root filesystem assembled from unpacked layers: an overlay mount (read-only lowers,
 * a writable upper in {@code scratch}), or, where overlay cannot be mounted, a copy of the layers
 * applied in order.
 *
 * <p>The overlay is mounted with {@code userxattr} because layers mark opaque directories with
 * {@code user.overlay.opaque} ({@link OverlayFormat}). Lower directories are passed as short
 * relative symlinks ({@code l/0}, {@code l/1}, … in {@code scratch}, the mount run from there), as
 * Docker's overlay2 driver does: the mount options must fit in one page (4096 bytes), which 60
 * absolute layer paths would not.
 *
 * <p>The copy fallback is forced by the environment variable {@code SHOAL_ROOTFS=copy} or the
 * system property {@code shoal.rootfs=copy}, so that both paths can be exercised on one host.
 */
public final class RootFs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RootFs.class);

  /** How to assemble. */
  public enum Assembly {
    /** Overlay where it can be mounted, a copy otherwise. */
    OVERLAY_OR_COPY,
    /** Always copy. */
    COPY;

    /** {@link #COPY} when {@code SHOAL_ROOTFS=copy} or {@code -Dshoal.rootfs=copy}. */
    public static Assembly fromEnvironment() {
      String v = System.getProperty("shoal.rootfs", System.getenv("SHOAL_ROOTFS"));
      return v != null && v.strip().toLowerCase(Locale.ROOT).equals("copy")
          ? COPY
          : OVERLAY_OR_COPY;
    }
  }

  private final Path target;
  private final Path scratch;
  private final boolean overlay;
  private boolean closed;

  private RootFs(Path target, Path scratch, boolean overlay) {
    this.target = target;
    this.scratch = scratch;
    this.overlay = overlay;
  }

  /**
   * Assembles {@code layersLowestFirst} at {@code target} (created; must be absent or empty), with
   * the overlay's upper and work directories under {@code scratch}; see {@link
   * Assembly#fromEnvironment} for forcing the copy.
   */
  public static RootFs assemble(List<Path> layersLowestFirst, Path target, Path scratch)
      throws IOException {
    return assemble(layersLowestFirst, target, scratch, Assembly.fromEnvironment());
  }

  /** As {@link #assemble(List, Path, Path)}, choosing the assembly explicitly. */
  public static RootFs assemble(
      List<Path> layersLowestFirst, Path target, Path scratch, Assembly assembly)
      throws IOException {
    requireNonNull(layersLowestFirst, "layersLowestFirst");
    requireNonNull(assembly, "assembly");
    Path t = requireNonNull(target, "target").toAbsolutePath();
    Path s = requireNonNull(scratch, "scratch").toAbsolutePath();
    List<Path> layers = new ArrayList<>();
    for (Path layer : layersLowestFirst) {
      if (!Files.isDirectory(layer)) {
        throw new IOException("layer directory " + layer + " does not exist");
      }
      layers.add(layer.toAbsolutePath());
    }
    Files.createDirectories(t);
    try (DirectoryStream<Path> d = Files.newDirectoryStream(t)) {
      if (d.iterator().hasNext()) {
        throw new IOException("rootfs target " + t + " is not empty");
      }
    }
    Files.createDirectories(s);
    boolean done = false;
    try {
      RootFs fs;
      if (assembly == Assembly.OVERLAY_OR_COPY && !layers.isEmpty() && mountOverlay(layers, t, s)) {
        fs = new RootFs(t, s, true);
      } else {
        for (Path layer : layers) {
          LayerMerge.apply(layer, t);
        }
        fs = new RootFs(t, s, false);
      }
      done = true;
      return fs;
    } finally {
      if (!done) {
        Trees.deleteRecursively(t);
        Trees.deleteRecursively(s);
      }
    }
  }

  /** The root filesystem's directory. */
  public Path path() {
    return target;
  }

  /** Whether it is an overlay mount (false: a copy). */
  public boolean overlay() {
    return overlay;
  }

  /** Unmounts (if mounted) and removes the target and scratch directories. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    if (overlay) {
      Result r = run(scratch, "umount", target.toString());
      if (r.status != 0) {
        throw new IOException("umount " + target + " failed (exit " + r.status + "): " + r.output);
      }
    }
    closed = true;
    Trees.deleteRecursively(target);
    Trees.deleteRecursively(scratch);
  }

  /** Mounts the overlay; false (having cleaned up) where the kernel or permissions refuse it. */
  private static boolean mountOverlay(List<Path> layers, Path target, Path scratch)
      throws IOException {
    Path links = Files.createDirectories(scratch.resolve("l"));
    StringBuilder lower = new StringBuilder();
    for (int i = layers.size() - 1; i >= 0; i--) {
      Files.createSymbolicLink(links.resolve(Integer.toString(i)), layers.get(i));
      lower.append(lower.length() == 0 ? "" : ":").append("l/").append(i);
    }
    Files.createDirectories(scratch.resolve("upper"));
    Files.createDirectories(scratch.resolve("work"));
    String options = "userxattr,lowerdir=" + lower + ",upperdir=upper,workdir=work";
    Result r;
    try {
      r = run(scratch, "mount", "-t", "overlay", "overlay", "-o", options, target.toString());
    } catch (IOException e) {
      r = new Result(-1, "cannot run mount: " + e.getMessage()); // No mount(8): copy instead.
    }
    if (r.status == 0) {
      log.debug("mounted overlay target={} layers={}", target, layers.size());
      return true;
    }
    log.info(
        "overlay mount failed, copying the layers instead target={} error={}", target, r.output);
    Trees.deleteRecursively(links);
    Trees.deleteRecursively(scratch.resolve("upper"));
    Trees.deleteRecursively(scratch.resolve("work"));
    return false;
  }

  private record Result(int status, String output) {}

  private static Result run(Path dir, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output;
    try (InputStream out = p.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try {
      return new Result(p.waitFor(), output);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + command[0], e);
    }
  }
}
