package dev.shoal.core.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Strict JSON reading and canonical writing for the OCI models; errors name the field's path. */
final class Json {
  /**
   * Duplicate keys are refused: two parsers that keep different duplicates would see different
   * manifests behind one digest. Trailing content after the document is refused for the same
   * reason.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final int MAX_QUOTED = 80;

  private Json() {}

  /** A place in a document, for error messages: {@code manifest: layers[2].size: …}. */
  record Where(String doc, String path) {
    static Where of(String doc) {
      return new Where(doc, "");
    }

    Where field(String name) {
      return new Where(doc, path.isEmpty() ? name : path + "." + name);
    }

    Where index(int i) {
      return new Where(doc, path + "[" + i + "]");
    }

    InvalidManifestException fail(String problem) {
      return new InvalidManifestException(
          doc + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    InvalidManifestException missing(String expected) {
      return new InvalidManifestException(
          doc + ": " + path + " is missing (expected: " + expected + ")");
    }
  }

  static ObjectNode readObject(byte[] raw, Where where) {
    if (raw.length == 0) {
      throw where.fail("empty (expected: a JSON object)");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(raw);
    } catch (JsonProcessingException e) {
      String location =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw where.fail("not valid JSON: " + cut(e.getOriginalMessage()) + location);
    } catch (IOException e) {
      // Reading a byte array does no I/O; Jackson declares it anyway.
      throw where.fail("not valid JSON: " + cut(String.valueOf(e.getMessage())));
    }
    if (node == null || node.isMissingNode()) {
      throw where.fail("empty (expected: a JSON object)");
    }
    if (!node.isObject()) {
      throw where.fail(show(node) + " (expected: a JSON object)");
    }
    return (ObjectNode) node;
  }

  /** The field's value, or {@code null} when it is absent or JSON {@code null}. */
  static JsonNode opt(ObjectNode obj, String name) {
    JsonNode n = obj.get(name);
    return n == null || n.isNull() ? null : n;
  }

  static String optString(ObjectNode obj, String name, Where where) {
    JsonNode n = opt(obj, name);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw where.field(name).fail(show(n) + " (expected: a string)");
    }
    return n.textValue();
  }

  static String reqString(ObjectNode obj, String name, Where where, String expected) {
    String s = optString(obj, name, where);
    if (s == null) {
      throw where.field(name).missing(expected);
    }
    return s;
  }

  static ObjectNode optObject(ObjectNode obj, String name, Where where) {
    JsonNode n = opt(obj, name);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      throw where.field(name).fail(show(n) + " (expected: a JSON object)");
    }
    return (ObjectNode) n;
  }

  static ObjectNode reqObject(ObjectNode obj, String name, Where where, String expected) {
    ObjectNode o = optObject(obj, name, where);
    if (o == null) {
      throw where.field(name).missing(expected);
    }
    return o;
  }

  /** The objects of an array field; {@code null} when the field is absent. */
  static List<ObjectNode> optObjects(ObjectNode obj, String name, Where where) {
    JsonNode n = opt(obj, name);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      throw where.field(name).fail(show(n) + " (expected: an array of JSON objects)");
    }
    List<ObjectNode> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isObject()) {
        throw where.field(name).index(i).fail(show(e) + " (expected: a JSON object)");
      }
      out.add((ObjectNode) e);
    }
    return out;
  }

  /** The strings of an array field; empty when absent. A single string counts as a list of one. */
  static List<String> stringList(ObjectNode obj, String name, Where where, boolean allowString) {
    JsonNode n = opt(obj, name);
    if (n == null) {
      return List.of();
    }
    if (allowString && n.isTextual()) {
      return List.of(n.textValue());
    }
    if (!n.isArray()) {
      throw where.field(name).fail(show(n) + " (expected: an array of strings)");
    }
    List<String> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual()) {
        throw where.field(name).index(i).fail(show(e) + " (expected: a string)");
      }
      out.add(e.textValue());
    }
    return List.copyOf(out);
  }

  /** A JSON object of strings, in document order; empty when absent. */
  static Map<String, String> stringMap(ObjectNode obj, String name, Where where) {
    ObjectNode o = optObject(obj, name, where);
    if (o == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (!e.getValue().isTextual()) {
        throw where
            .field(name)
            .fail(quote(e.getKey()) + ": " + show(e.getValue()) + " (expected: a string)");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The keys of a JSON object used as a set ({@code {"80/tcp": {}}}); empty when absent. */
  static List<String> keys(ObjectNode obj, String name, Where where) {
    ObjectNode o = optObject(obj, name, where);
    if (o == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    o.properties().forEach(e -> out.add(e.getKey()));
    return out;
  }

  static long reqLong(ObjectNode obj, String name, Where where) {
    JsonNode n = opt(obj, name);
    if (n == null) {
      throw where.field(name).missing("an integer");
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw where.field(name).fail(show(n) + " (expected: an integer)");
    }
    return n.longValue();
  }

  static Digest digest(String s, Where where) {
    try {
      return Digest.parse(s);
    } catch (InvalidDigestException e) {
      String m = e.getMessage();
      throw where.fail(m.startsWith("digest: ") ? m.substring("digest: ".length()) : m);
    }
  }

  /** An unmodifiable copy that keeps insertion order, refusing null keys and values. */
  static Map<String, String> copyOf(Map<String, String> map, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new NullPointerException(name + " has a null key or value");
          }
          out.put(k, v);
        });
    return Collections.unmodifiableMap(out);
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode a = MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  static ObjectNode strings(Map<String, String> values) {
    ObjectNode o = object();
    values.forEach(o::put);
    return o;
  }

  /**
   * Canonical bytes: object keys sorted, no insignificant whitespace, as the image spec's
   * "Canonicalization" section (considerations.md) recommends for content that is hashed.
   */
  static byte[] canonicalBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(sorted(node));
    } catch (JsonProcessingException e) {
      // A tree of strings, numbers, objects and arrays always serialises.
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> byKey = new TreeMap<>();
      node.properties().forEach(e -> byKey.put(e.getKey(), sorted(e.getValue())));
      ObjectNode out = object();
      byKey.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = MAPPER.createArrayNode();
      node.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }

  /** A JSON value for a message: a string quoted and cut short, anything else as JSON. */
  static String show(JsonNode n) {
    return n.isTextual() ? quote(n.textValue()) : cut(n.toString());
  }

  /** Quotes outside input for an error message, cut short so a 4 MiB value cannot flood a log. */
  static String quote(String s) {
    return '"' + cut(s) + '"';
  }

  private static String cut(String s) {
    return s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "…" : s;
  }
}
