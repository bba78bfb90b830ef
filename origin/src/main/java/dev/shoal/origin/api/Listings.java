package dev.shoal.origin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.Responses;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.origin.meta.ManifestMeta;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/** The listing endpoints: tags ({@code /tags/list}, end-8a/b) and referrers (end-12a/b). */
final class Listings {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGE = 1000;

  private final RegistryMetadata meta;

  Listings(RegistryMetadata meta) {
    this.meta = meta;
  }

  void tags(Exchange ex, ApiPath path) throws Exception {
    String repo = path.repository();
    if (!meta.repositoryExists(repo)) {
      throw ApiErrors.nameUnknown(repo);
    }
    int n = pageSize(ex.query("n"));
    String last = ex.query("last");
    List<String> page = meta.tags(repo, last, n == 0 ? 0 : n + 1);
    // n=0 asks for an empty list with no Link (distribution spec, "Listing Tags").
    boolean more = page.size() > n;
    List<String> tags = more ? page.subList(0, n) : page;
    ObjectNode body = JSON.createObjectNode().put("name", repo);
    ArrayNode list = body.putArray("tags");
    tags.forEach(list::add);
    FullHttpResponse r = Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(body));
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    if (more) {
      r.headers()
          .set(
              "Link",
              "</v2/"
                  + repo
                  + "/tags/list?n="
                  + n
                  + "&last="
                  + tags.get(tags.size() - 1)
                  + ">; rel=\"next\"");
    }
    ex.respond(r);
  }

  void referrers(Exchange ex, ApiPath path) throws Exception {
    Digest subject = Blobs.parseDigest(path.argument());
    String filter = ex.query("artifactType");
    ObjectNode index =
        JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (ManifestMeta m : meta.referrers(path.repository(), subject)) {
      if (filter != null && !filter.equals(m.artifactType())) {
        continue;
      }
      ObjectNode d =
          manifests
              .addObject()
              .put("mediaType", m.mediaType())
              .put("digest", m.digest().toString())
              .put("size", m.size());
      if (m.artifactType() != null) {
        d.put("artifactType", m.artifactType());
      }
      if (!m.annotations().isEmpty()) {
        ObjectNode a = d.putObject("annotations");
        m.annotations().forEach(a::put);
      }
    }
    FullHttpResponse r =
        Responses.bytes(HttpResponseStatus.OK, MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index));
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    if (filter != null) {
      r.headers().set("OCI-Filters-Applied", "artifactType");
    }
    ex.respond(r);
  }

  /** The {@code n} of a listing: at most {@value #MAX_PAGE}, which is also the default. */
  static int pageSize(String n) throws HttpError {
    if (n == null) {
      return MAX_PAGE;
    }
    try {
      int v = Integer.parseInt(n);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return Math.min(v, MAX_PAGE);
    } catch (NumberFormatException e) {
      throw ApiErrors.of(
          HttpResponseStatus.BAD_REQUEST,
          "PAGINATION_NUMBER_INVALID",
          "n: \"" + n + "\" (expected: a number >= 0)");
    }
  }
}
