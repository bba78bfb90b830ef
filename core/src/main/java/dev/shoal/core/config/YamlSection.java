package dev.shoal.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One mapping of a YAML config file, read strictly: a key not in the section's known set is an
 * error that names it; a value of the wrong type is an error that names its full key ({@code
 * store.maxBytes}). A section written with no entries (every line commented out) reads as empty.
 */
public final class YamlSection {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final String prefix;
  private final JsonNode node;

  private YamlSection(String prefix, JsonNode node) {
    this.prefix = prefix;
    this.node = node;
  }

  /** Reads {@code file}; errors are not yet prefixed with the file name (the caller adds it). */
  public static YamlSection read(Path file, Set<String> knownKeys) throws ConfigException {
    JsonNode tree;
    try {
      tree = YAML.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("no such file (pass an existing file to --config or leave it out)");
    } catch (JacksonException e) {
      throw new ConfigException("not valid YAML: " + syntaxError(e), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read: " + e, e);
    }
    return of("", tree == null ? MissingNode.getInstance() : tree, knownKeys);
  }

  /** "line 3, column 7: PROBLEM", from SnakeYAML's own report when there is one. */
  private static String syntaxError(JacksonException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException && ((MarkedYAMLException) t).getProblemMark() != null) {
        MarkedYAMLException yaml = (MarkedYAMLException) t;
        Mark mark = yaml.getProblemMark();
        return "line "
            + (mark.getLine() + 1)
            + ", column "
            + (mark.getColumn() + 1)
            + ": "
            + yaml.getProblem();
      }
    }
    JsonLocation at = e.getLocation();
    String where =
        at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    return where + e.getOriginalMessage().lines().findFirst().orElse("");
  }

  private static YamlSection of(String prefix, JsonNode node, Set<String> knownKeys)
      throws ConfigException {
    if (node.isMissingNode() || node.isNull()) {
      return new YamlSection(prefix, MissingNode.getInstance());
    }
    if (!(node instanceof ObjectNode)) {
      String key = prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1);
      throw ConfigException.invalid(key, describe(node), "a mapping of keys to values");
    }
    for (Iterator<String> names = node.fieldNames(); knownKeys != null && names.hasNext(); ) {
      String name = names.next();
      if (!knownKeys.contains(name)) {
        List<String> known = new ArrayList<>(knownKeys);
        known.sort(null);
        throw new ConfigException(
            prefix + name + ": unknown key (expected one of: " + String.join(", ", known) + ")");
      }
    }
    return new YamlSection(prefix, node);
  }

  /** The nested mapping under {@code key}; empty when absent. */
  public YamlSection section(String key, Set<String> knownKeys) throws ConfigException {
    return of(prefix + key + ".", node.path(key), knownKeys);
  }

  /**
   * The nested mapping under {@code key} whose keys are names the user chooses; see {@link #keys}.
   */
  public YamlSection namedSections(String key) throws ConfigException {
    return of(prefix + key + ".", node.path(key), null);
  }

  /**
   * The keys of this mapping in file order, for a section whose keys are names the user chooses
   * (such as registry hosts) rather than settings.
   */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The full name of {@code key} in messages, e.g. {@code store.maxBytes}. */
  public String name(String key) {
    return prefix + key;
  }

  public Optional<String> text(String key, String expected) throws ConfigException {
    JsonNode value = node.path(key);
    if (value.isMissingNode()) {
      return Optional.empty();
    }
    if (!value.isValueNode() || value.isNull()) {
      throw ConfigException.invalid(name(key), describe(value), expected);
    }
    return Optional.of(value.asText());
  }

  public Optional<Long> size(String key) throws ConfigException {
    JsonNode value = node.path(key);
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return Optional.of(value.asLong());
    }
    Optional<String> text = text(key, ConfigValues.SIZE);
    return text.isEmpty()
        ? Optional.empty()
        : Optional.of(ConfigValues.parseSize(name(key), text.get()));
  }

  public Optional<Duration> duration(String key) throws ConfigException {
    JsonNode value = node.path(key);
    if (value.isNumber() && value.asDouble() != 0) {
      // A bare number is ambiguous (seconds? milliseconds?): ask for a unit.
      throw ConfigException.invalid(name(key), value.toString(), ConfigValues.DURATION);
    }
    Optional<String> text = text(key, ConfigValues.DURATION);
    return text.isEmpty()
        ? Optional.empty()
        : Optional.of(ConfigValues.parseDuration(name(key), text.get()));
  }

  public Optional<Double> number(String key) throws ConfigException {
    JsonNode value = node.path(key);
    if (value.isMissingNode()) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw ConfigException.invalid(name(key), describe(value), "a number such as 0.9");
    }
    return Optional.of(value.asDouble());
  }

  public Optional<Long> integer(String key) throws ConfigException {
    JsonNode value = node.path(key);
    if (value.isMissingNode()) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ConfigException.invalid(name(key), describe(value), "a whole number");
    }
    return Optional.of(value.asLong());
  }

  public Optional<Boolean> bool(String key) throws ConfigException {
    JsonNode value = node.path(key);
    if (value.isMissingNode()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw ConfigException.invalid(name(key), describe(value), "true or false");
    }
    return Optional.of(value.asBoolean());
  }

  public Optional<HostPort> hostPort(String key) throws ConfigException {
    Optional<String> text = text(key, "HOST:PORT");
    return text.isEmpty() ? Optional.empty() : Optional.of(HostPort.parse(name(key), text.get()));
  }

  public Optional<URI> httpUrl(String key) throws ConfigException {
    Optional<String> text = text(key, ConfigValues.HTTP_URL);
    return text.isEmpty()
        ? Optional.empty()
        : Optional.of(ConfigValues.parseHttpUrl(name(key), text.get()));
  }

  /** An absolute path: a relative one would depend on the directory the service starts in. */
  public Optional<Path> absolutePath(String key) throws ConfigException {
    Optional<String> text = text(key, "an absolute path");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(text.get());
    if (!path.isAbsolute()) {
      throw ConfigException.invalid(name(key), ConfigValues.quote(text.get()), "an absolute path");
    }
    return Optional.of(path.normalize());
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return ConfigValues.quote(value.asText());
    }
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.toString();
  }
}
