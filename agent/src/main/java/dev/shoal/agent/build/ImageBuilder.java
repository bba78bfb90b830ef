package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds an image from a base and a {@link BuildSpec}: one reproducible layer per {@code --add},
 * then the base's config extended (image spec config.md): {@code rootfs.diff_ids} and {@code
 * history} appended, the execution parameters set, {@code created} fixed to the spec's epoch.
 */
public final class ImageBuilder {
  private ImageBuilder() {}

  /** Writes the new layers into {@code workDir} and returns the image. */
  public static Image build(BaseImage base, BuildSpec spec, Path workDir) throws IOException {
    requireNonNull(base, "base");
    requireNonNull(spec, "spec");
    List<BuiltLayer> built = new ArrayList<>();
    for (AddSpec add : spec.adds()) {
      built.add(LayerWriter.write(add, spec.epoch(), workDir));
    }
    List<ImageBlob> layers = new ArrayList<>(base.layers());
    built.forEach(l -> layers.add(ImageBlob.local(l.descriptor(), l.file())));
    return Image.of(config(base, spec, built), layers);
  }

  static byte[] config(BaseImage base, BuildSpec spec, List<BuiltLayer> built) {
    String created = Instant.ofEpochSecond(spec.epoch()).toString();
    ObjectNode config = base.config();
    config.put("created", created);
    ObjectNode run = config.get("config") instanceof ObjectNode o ? o : config.putObject("config");
    if (spec.entrypoint() != null) {
      run.set("Entrypoint", strings(spec.entrypoint()));
      if (spec.cmd() == null) {
        run.remove("Cmd");
      }
    }
    if (spec.cmd() != null) {
      run.set("Cmd", strings(spec.cmd()));
    }
    if (!spec.env().isEmpty()) {
      run.set("Env", strings(mergeEnv(run.get("Env"), spec.env())));
    }
    if (spec.workingDir() != null) {
      run.put("WorkingDir", spec.workingDir());
    }
    if (!spec.labels().isEmpty()) {
      ObjectNode labels = run.get("Labels") instanceof ObjectNode o ? o : run.putObject("Labels");
      new TreeMap<>(spec.labels()).forEach(labels::put);
    }
    ObjectNode rootfs =
        config.get("rootfs") instanceof ObjectNode o ? o : config.putObject("rootfs");
    ArrayNode diffIds =
        rootfs.get("diff_ids") instanceof ArrayNode a ? a : rootfs.putArray("diff_ids");
    ArrayNode history =
        config.get("history") instanceof ArrayNode a ? a : config.putArray("history");
    for (BuiltLayer layer : built) {
      diffIds.add(layer.diffId().toString());
      ObjectNode h = history.addObject();
      h.put("created", created);
      h.put("created_by", layer.createdBy());
      h.put("comment", "shoal build");
    }
    try {
      return BaseImage.JSON.writeValueAsBytes(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /** The base's entries with those of {@code add} replacing the same name, new ones appended. */
  static List<String> mergeEnv(JsonNode base, List<String> add) {
    Map<String, String> byName = new LinkedHashMap<>();
    if (base != null && base.isArray()) {
      base.forEach(e -> put(byName, e.asText()));
    }
    add.forEach(e -> put(byName, e));
    return new ArrayList<>(byName.values());
  }

  private static void put(Map<String, String> byName, String entry) {
    int eq = entry.indexOf('=');
    byName.put(eq < 0 ? entry : entry.substring(0, eq), entry);
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = BaseImage.JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }
}
