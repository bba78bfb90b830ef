package dev.shoal.core.oci;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Json.Where;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of an image config the runtime needs (image spec "Image Configuration", config.md; the
 * Docker image config has the same shape): platform, execution parameters, the layers' diff ids,
 * history. Kept with the exact bytes it was read from; other fields are ignored.
 */
public final class ImageConfig {
  private static final String DOC = "image config";

  private final byte[] raw;
  private final Digest digest;
  private final Platform platform;
  private final String created;
  private final String author;
  private final RunConfig runConfig;
  private final List<Digest> diffIds;
  private final List<History> history;

  private ImageConfig(
      byte[] raw,
      Platform platform,
      String created,
      String author,
      RunConfig runConfig,
      List<Digest> diffIds,
      List<History> history) {
    this.raw = raw;
    this.digest = Digest.sha256Of(raw);
    this.platform = platform;
    this.created = created;
    this.author = author;
    this.runConfig = runConfig;
    this.diffIds = List.copyOf(diffIds);
    this.history = List.copyOf(history);
  }

  /**
   * The execution parameters of the config's {@code config} object. Absent and JSON {@code null}
   * read as empty; strings are {@code ""} when unset, as Docker writes them.
   *
   * @param entrypoint {@code Entrypoint}
   * @param cmd {@code Cmd}, the default arguments
   * @param env {@code Env}, {@code NAME=value} entries
   * @param workingDir {@code WorkingDir}
   * @param user {@code User}: {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}
   * @param labels {@code Labels}, in document order
   * @param exposedPorts keys of {@code ExposedPorts}, e.g. {@code 80/tcp}
   * @param volumes keys of {@code Volumes}, e.g. {@code /data}
   * @param stopSignal {@code StopSignal}, e.g. {@code SIGTERM}
   */
  public record RunConfig(
      List<String> entrypoint,
      List<String> cmd,
      List<String> env,
      String workingDir,
      String user,
      Map<String, String> labels,
      Set<String> exposedPorts,
      Set<String> volumes,
      String stopSignal) {

    public RunConfig {
      entrypoint = List.copyOf(requireNonNull(entrypoint, "entrypoint"));
      cmd = List.copyOf(requireNonNull(cmd, "cmd"));
      env = List.copyOf(requireNonNull(env, "env"));
      requireNonNull(workingDir, "workingDir");
      requireNonNull(user, "user");
      labels = Json.copyOf(requireNonNull(labels, "labels"), "labels");
      exposedPorts = orderedCopy(requireNonNull(exposedPorts, "exposedPorts"));
      volumes = orderedCopy(requireNonNull(volumes, "volumes"));
      requireNonNull(stopSignal, "stopSignal");
    }

    /** No parameters at all, as in an image built {@code FROM scratch} with nothing set. */
    public static RunConfig empty() {
      return new RunConfig(
          List.of(), List.of(), List.of(), "", "", Map.of(), Set.of(), Set.of(), "");
    }

    private static Set<String> orderedCopy(Set<String> set) {
      Set<String> copy = new LinkedHashSet<>();
      set.forEach(s -> copy.add(requireNonNull(s, "set element")));
      return Collections.unmodifiableSet(copy);
    }
  }

  /**
   * One step of how the image was built.
   *
   * @param created RFC 3339 time, or null
   * @param createdBy the command, e.g. {@code /bin/sh -c apk add curl}, or null
   * @param author or null
   * @param comment or null
   * @param emptyLayer true when the step made no layer (so it has no diff id)
   */
  public record History(
      String created, String createdBy, String author, String comment, boolean emptyLayer) {}

  /**
   * Parses a config blob. Architecture, OS and {@code rootfs} of type {@code layers} are required;
   * the runtime cannot do without them.
   *
   * @throws InvalidManifestException quoting what is wrong and saying what was expected
   */
  public static ImageConfig parse(byte[] raw) {
    requireNonNull(raw, "raw");
    Where where = Where.of(DOC);
    ObjectNode root = Json.readObject(raw, where);
    Platform platform = Platform.fromJson(root, where);

    ObjectNode rootfs = Json.reqObject(root, "rootfs", where, "{\"type\": \"layers\", …}");
    String type = Json.reqString(rootfs, "type", where.field("rootfs"), "layers");
    if (!type.equals("layers")) {
      throw where.field("rootfs").field("type").fail(Json.quote(type) + " (expected: \"layers\")");
    }
    Where diffIdsAt = where.field("rootfs").field("diff_ids");
    if (Json.opt(rootfs, "diff_ids") == null) {
      throw diffIdsAt.missing("an array of digests");
    }
    List<String> diffIdStrings = Json.stringList(rootfs, "diff_ids", where.field("rootfs"), false);
    List<Digest> diffIds = new ArrayList<>(diffIdStrings.size());
    for (int i = 0; i < diffIdStrings.size(); i++) {
      diffIds.add(Json.digest(diffIdStrings.get(i), diffIdsAt.index(i)));
    }

    List<History> history = new ArrayList<>();
    List<ObjectNode> historyNodes = Json.optObjects(root, "history", where);
    for (int i = 0; historyNodes != null && i < historyNodes.size(); i++) {
      history.add(history(historyNodes.get(i), where.field("history").index(i)));
    }

    ObjectNode config = Json.optObject(root, "config", where);
    return new ImageConfig(
        raw.clone(),
        platform,
        Json.optString(root, "created", where),
        Json.optString(root, "author", where),
        config == null ? RunConfig.empty() : runConfig(config, where.field("config")),
        diffIds,
        history);
  }

  private static RunConfig runConfig(ObjectNode c, Where where) {
    // Docker's strslice reads a lone string as a list of one; images written that way exist.
    return new RunConfig(
        Json.stringList(c, "Entrypoint", where, true),
        Json.stringList(c, "Cmd", where, true),
        Json.stringList(c, "Env", where, false),
        orEmpty(Json.optString(c, "WorkingDir", where)),
        orEmpty(Json.optString(c, "User", where)),
        Json.stringMap(c, "Labels", where),
        new LinkedHashSet<>(Json.keys(c, "ExposedPorts", where)),
        new LinkedHashSet<>(Json.keys(c, "Volumes", where)),
        orEmpty(Json.optString(c, "StopSignal", where)));
  }

  private static History history(ObjectNode h, Where where) {
    var emptyLayer = Json.opt(h, "empty_layer");
    if (emptyLayer != null && !emptyLayer.isBoolean()) {
      throw where.field("empty_layer").fail(Json.show(emptyLayer) + " (expected: true or false)");
    }
    return new History(
        Json.optString(h, "created", where),
        Json.optString(h, "created_by", where),
        Json.optString(h, "author", where),
        Json.optString(h, "comment", where),
        emptyLayer != null && emptyLayer.booleanValue());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Architecture, OS, OS version and features, and variant. */
  public Platform platform() {
    return platform;
  }

  public String architecture() {
    return platform.architecture();
  }

  public String os() {
    return platform.os();
  }

  /** When the image was created, RFC 3339, or null. */
  public String created() {
    return created;
  }

  /** Who built the image, or null. */
  public String author() {
    return author;
  }

  /** The execution parameters; {@link RunConfig#empty()} when the config has none. */
  public RunConfig runConfig() {
    return runConfig;
  }

  /** {@code rootfs.diff_ids}: the digests of the uncompressed layers, base first. */
  public List<Digest> diffIds() {
    return diffIds;
  }

  /** The build steps, oldest first; empty when absent. */
  public List<History> history() {
    return history;
  }

  /** A copy of the exact bytes this config was parsed from. */
  public byte[] raw() {
    return raw.clone();
  }

  /** A read-only view of the exact bytes. */
  public ByteBuffer rawBuffer() {
    return ByteBuffer.wrap(raw).asReadOnlyBuffer();
  }

  /** The SHA-256 digest of {@link #raw()}: what the manifest's config descriptor names. */
  public Digest digest() {
    return digest;
  }

  /** Equal when both have the same bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ImageConfig other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "ImageConfig[" + digest + ", " + platform + ", " + diffIds.size() + " layers]";
  }
}
