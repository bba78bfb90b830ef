package dev.shoal.agent.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 6's comparison: a three-layer image with a base of real Debian files from this host
 * (merged-/usr symlinks, /etc/alternatives links, hard-linked programs, a few hundred docs) and
 * upper layers that delete files and a directory, make a directory opaque, replace a symlink, a
 * hard-linked file and a directory, and change modes and owners; unpacked by Shoal (through overlay
 * and through the copy fallback) and by umoci (0.4.7 reads only gzip and plain layers, so no zstd
 * here), the two root filesystems must agree entry for entry on names, types, modes, owners, sizes,
 * link targets and content hashes.
 */
class UmociComparisonTest {
  @TempDir Path tmp;
  final List<RootFs> opened = new ArrayList<>();

  @AfterEach
  void unmount() throws IOException {
    for (RootFs fs : opened) {
      fs.close();
    }
    // JUnit's own cleanup warns about every absolute symlink (etc/alternatives has hundreds).
    try (Stream<Path> s = Files.list(tmp)) {
      for (Path p : s.toList()) {
        Trees.deleteRecursively(p);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RootFs.Assembly.class)
  void rootFs_matchesUmocisUnpack(RootFs.Assembly assembly) throws Exception {
    Assumptions.assumeTrue(
        onPath("umoci"), "umoci is not installed: apt-get install -y umoci (scripts/test does)");
    List<String> docs;
    try (Stream<Path> s = Files.list(Path.of("/usr/share/doc"))) {
      docs = s.map(p -> "usr/share/doc/" + p.getFileName()).sorted().limit(40).toList();
    }
    Assumptions.assumeTrue(docs.size() >= 4, "needs a Debian host with /usr/share/doc");
    List<String> linked = hardLinkedPrograms();

    byte[] base = baseLayer(docs, linked);
    byte[] middle =
        new TarBuilder()
            .file("etc/.wh.debian_version", "")
            .file("usr/share/doc/.wh." + name(docs.get(0)), "")
            .dir(docs.get(1), 0750)
            .file(docs.get(1) + "/.wh..wh..opq", "")
            .file(docs.get(1) + "/README", "only this is left")
            .file("etc/os-release", 0640, "ID=shoal\n")
            .file(docs.get(2), "a file where a directory was")
            .dir("etc/apt", 0700)
            .build();
    TarBuilder top =
        new TarBuilder()
            .file("etc/debian_version", "13.0-shoal\n")
            .entry("usr/local/bin/tool", '0', 04755, 0, 0, "", bytes("setuid tool"))
            .entry("home/user/.profile", '0', 0600, 1000, 1000, "", bytes("export A=1\n"))
            .hardLink("usr/local/bin/tool-alias", "usr/local/bin/tool")
            .symlink("usr/local/bin/sh", "/bin/busybox");
    if (!linked.isEmpty()) {
      top.entry(linked.get(0), '0', 0700, 0, 0, "", bytes("replaced program"));
    }
    byte[] topTar = top.build();

    List<Layer> layers =
        List.of(
            new Layer(TarBuilder.gzip(base), base, MediaTypes.OCI_LAYER_TAR_GZIP),
            new Layer(middle, middle, MediaTypes.OCI_LAYER_TAR),
            new Layer(TarBuilder.gzip(topTar), topTar, MediaTypes.OCI_LAYER_TAR_GZIP));
    Path image = writeLayout(layers);

    Path bundle = tmp.resolve("umoci-bundle");
    run(tmp, "umoci", "unpack", "--image", image + ":test", bundle.toString());

    LayerCache cache = new LayerCache(tmp.resolve("layers"), UnpackLimits.defaults());
    List<Path> dirs = new ArrayList<>();
    for (Layer l : layers) {
      dirs.add(cache.unpack(l.diffId(), l.mediaType(), image.resolve(l.blobPath())));
    }
    RootFs fs = RootFs.assemble(dirs, tmp.resolve("rootfs"), tmp.resolve("scratch"), assembly);
    opened.add(fs);
    if (assembly == RootFs.Assembly.OVERLAY_OR_COPY) {
      Assumptions.assumeTrue(fs.overlay(), "overlayfs cannot be mounted here (needs root)");
    }

    Map<String, String> ours = describe(fs.path());
    Map<String, String> umoci = describe(bundle.resolve("rootfs"));
    assertThat(ours.size()).isGreaterThan(200);
    assertThat(ours).containsExactlyEntriesOf(umoci);
    // The test layers did what they claim (so agreement is not vacuous).
    assertThat(ours).doesNotContainKey("etc/debian_version.wh").containsKey("etc/debian_version");
    assertThat(ours.keySet()).noneMatch(k -> k.startsWith(docs.get(0)));
    assertThat(ours.keySet().stream().filter(k -> k.startsWith(docs.get(1) + "/")))
        .containsExactly(docs.get(1) + "/README");
    assertThat(ours.get(docs.get(2))).startsWith("file");
    assertThat(ours.get("etc/os-release")).startsWith("file 640");
    assertThat(ours.get("bin")).isEqualTo("symlink -> usr/bin");
  }

  record Layer(byte[] blob, byte[] tar, String mediaType) {
    Digest digest() {
      return Digest.sha256Of(blob);
    }

    Digest diffId() {
      return Digest.sha256Of(tar);
    }

    String blobPath() {
      return "blobs/sha256/" + digest().hex();
    }
  }

  /** Real files of this host, as GNU tar archives them (hard links, symlinks, GNU long names). */
  private byte[] baseLayer(List<String> docs, List<String> linked) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tar", "-C", "/", "--numeric-owner", "-cf", "-"));
    cmd.add("--no-recursion");
    cmd.addAll(List.of("usr", "usr/bin", "usr/lib", "usr/share", "usr/share/doc", "etc"));
    for (String top : List.of("bin", "lib", "sbin")) {
      if (Files.isSymbolicLink(Path.of("/" + top))) {
        cmd.add(top);
      }
    }
    cmd.add("--recursion");
    for (String p :
        List.of(
            "etc/alternatives",
            "etc/apt",
            "etc/default",
            "etc/debian_version",
            "etc/os-release",
            "etc/passwd",
            "etc/group",
            "etc/profile",
            "etc/skel",
            "usr/lib/os-release",
            "usr/bin/busybox")) {
      if (Files.exists(Path.of("/" + p), LinkOption.NOFOLLOW_LINKS)) {
        cmd.add(p);
      }
    }
    cmd.addAll(docs);
    cmd.addAll(linked);
    try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
      s.filter(Files::isSymbolicLink)
          .sorted()
          .limit(60)
          .forEach(p -> cmd.add("usr/bin/" + p.getFileName()));
    }
    return run(tmp, cmd.toArray(String[]::new));
  }

  /** Small programs in /usr/bin with more than one name (gzip/gunzip, bzip2/bunzip2 …). */
  private static List<String> hardLinkedPrograms() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(
              p -> {
                try {
                  return (Integer) Files.getAttribute(p, "unix:nlink") > 1
                      && Files.size(p) < (1 << 20);
                } catch (IOException e) {
                  return false;
                }
              })
          .sorted()
          .limit(12)
          .map(p -> "usr/bin/" + p.getFileName())
          .toList();
    }
  }

  /** An OCI image layout (image spec "OCI Image Layout") with one manifest tagged {@code test}. */
  private Path writeLayout(List<Layer> layers) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("image/blobs/sha256")).getParent().getParent();
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    StringBuilder diffIds = new StringBuilder();
    StringBuilder descriptors = new StringBuilder();
    for (Layer l : layers) {
      Files.write(dir.resolve(l.blobPath()), l.blob());
      diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(l.diffId()).append('"');
      descriptors
          .append(descriptors.length() == 0 ? "" : ",")
          .append(descriptor(l.mediaType(), l.blob()));
    }
    byte[] config =
        bytes(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds
                + "]}}");
    byte[] manifest =
        bytes(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, config)
                + ",\"layers\":["
                + descriptors
                + "]}");
    for (byte[] b : List.of(config, manifest)) {
      Files.write(dir.resolve("blobs/sha256/" + Digest.sha256Of(b).hex()), b);
    }
    String ref = descriptor(MediaTypes.OCI_MANIFEST, manifest);
    ref =
        ref.substring(0, ref.length() - 1)
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"test\"}}";
    Files.writeString(
        dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + ref + "]}");
    return dir;
  }

  private static String descriptor(String mediaType, byte[] blob) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + Digest.sha256Of(blob)
        + "\",\"size\":"
        + blob.length
        + "}";
  }

  /** Every entry under {@code root} (not itself): path → type, mode, owner, size, target, hash. */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a)
              throws IOException {
            if (!dir.equals(root)) {
              out.put(root.relativize(dir).toString(), "dir " + owner(dir));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
            String key = root.relativize(file).toString();
            if (a.isSymbolicLink()) {
              out.put(key, "symlink -> " + Files.readSymbolicLink(file));
            } else if (a.isRegularFile()) {
              out.put(key, "file " + owner(file) + " size " + a.size() + " sha256 " + sha256(file));
            } else {
              out.put(key, "other " + owner(file));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  private static String owner(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    return Integer.toOctalString((Integer) a.get("mode") & 07777)
        + " "
        + a.get("uid")
        + ":"
        + a.get("gid");
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a program to completion; its standard output, or an assertion error with its stderr. */
  private static byte[] run(Path dir, String... command) throws Exception {
    Path err = Files.createTempFile("shoal-test", ".err");
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      int status = p.waitFor();
      assertThat(status)
          .as(
              "%s: %s",
              String.join(" ", command)
                  .substring(
                      0,
                      200 > String.join(" ", command).length()
                          ? String.join(" ", command).length()
                          : 200),
              Files.readString(err))
          .isZero();
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
