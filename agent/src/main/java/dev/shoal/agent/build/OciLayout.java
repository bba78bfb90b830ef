package dev.shoal.agent.build;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestMismatchException;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI image layout directory (image spec image-layout.md): {@code oci-layout}, {@code
 * index.json} naming each image by the annotation {@code org.opencontainers.image.ref.name}, and
 * the blobs under {@code blobs/sha256/}. Written so that skopeo, crane and containerd read it.
 */
public final class OciLayout {
  /** The annotation that holds an image's tag in {@code index.json}. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private final Path dir;

  public OciLayout(Path dir) {
    this.dir = requireNonNull(dir, "dir");
  }

  public Path dir() {
    return dir;
  }

  /**
   * Writes the image's blobs (downloading a base's layers), then its manifest under {@code tag}; an
   * image already tagged {@code tag} in {@code index.json} is replaced, others are kept.
   */
  public void write(Image image, String tag) throws IOException {
    Path blobs = dir.resolve("blobs").resolve("sha256");
    Files.createDirectories(blobs);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    for (ImageBlob layer : image.layers()) {
      Path target = blob(layer.descriptor().digest());
      if (Files.exists(target) && Files.size(target) == layer.descriptor().size()) {
        continue;
      }
      Path tmp = Files.createTempFile(blobs, "blob-", ".tmp");
      try (InputStream in = layer.open()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Digest actual = Hashing.file(tmp, layer.descriptor().digest().algorithm());
        if (!actual.equals(layer.descriptor().digest())) {
          throw new DigestMismatchException(layer.descriptor().digest(), actual, Files.size(tmp));
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    Files.write(blob(image.manifest().config().digest()), image.config());
    Files.write(blob(image.digest()), image.manifest().raw());

    ObjectNode index = readIndex();
    ArrayNode manifests = BaseImage.JSON.createArrayNode();
    for (JsonNode m : index.path("manifests")) {
      if (!tag.equals(m.path("annotations").path(REF_NAME).asText(null))) {
        manifests.add(m);
      }
    }
    ObjectNode entry = manifests.addObject();
    entry.put("mediaType", MediaTypes.OCI_MANIFEST);
    entry.put("digest", image.digest().toString());
    entry.put("size", image.manifest().size());
    entry.putObject("annotations").put(REF_NAME, tag);
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.set("manifests", manifests);
    Files.write(dir.resolve("index.json"), BaseImage.JSON.writeValueAsBytes(index));
  }

  /**
   * The image tagged {@code tag}, its layers read from this directory.
   *
   * @throws NoSuchFileException when the directory has no layout or no image with that tag
   */
  public Image read(String tag) throws IOException {
    if (!Files.exists(dir.resolve("index.json"))) {
      throw new NoSuchFileException(dir + " is not an OCI layout (it has no index.json)");
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode m : readIndex().path("manifests")) {
      String name = m.path("annotations").path(REF_NAME).asText("");
      tags.add(name);
      if (name.equals(tag)) {
        Digest digest = Digest.parse(m.path("digest").asText());
        ImageManifest manifest = ImageManifest.parse(Files.readAllBytes(blob(digest)));
        if (!manifest.digest().equals(digest)) {
          throw new DigestMismatchException(digest, manifest.digest(), manifest.size());
        }
        byte[] config = Files.readAllBytes(blob(manifest.config().digest()));
        List<ImageBlob> layers = new ArrayList<>();
        for (Descriptor layer : manifest.layers()) {
          layers.add(ImageBlob.local(layer, blob(layer.digest())));
        }
        return new Image(manifest, config, layers);
      }
    }
    throw new NoSuchFileException(
        dir + " has no image tagged " + tag + " (it has: " + String.join(", ", tags) + ")");
  }

  private Path blob(Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm().prefix()).resolve(digest.hex());
  }

  private ObjectNode readIndex() throws IOException {
    Path index = dir.resolve("index.json");
    if (!Files.exists(index)) {
      return BaseImage.JSON.createObjectNode();
    }
    JsonNode node = BaseImage.JSON.readTree(Files.readString(index, StandardCharsets.UTF_8));
    if (!(node instanceof ObjectNode o)) {
      throw new IOException(index + ": not a JSON object (expected: an OCI image index)");
    }
    return o;
  }
}
