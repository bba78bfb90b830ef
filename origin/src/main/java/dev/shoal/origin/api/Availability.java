package dev.shoal.origin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.Responses;
import dev.shoal.core.store.ContentStore;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/**
 * {@code POST /v2/<name>/blobs/availability}: which of many blobs the repository already holds, in
 * one round trip (like ECR's BatchCheckLayerAvailability), so a client uploads only the rest.
 * Shoal's own endpoint, not part of the distribution spec.
 *
 * <p>Request {@code {"digests":["sha256:…",…]}} (at most 1000); answer {@code
 * {"available":[{"digest":…,"size":…}],"missing":["sha256:…"]}}, in request order.
 */
final class Availability {
  static final int MAX_DIGESTS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContentStore store;
  private final RegistryMetadata meta;

  Availability(ContentStore store, RegistryMetadata meta) {
    this.store = store;
    this.meta = meta;
  }

  BodyConsumer check(Exchange ex, ApiPath path) {
    return new BodyBuffer(64 * 1024 + MAX_DIGESTS * 80, (e, body) -> answer(e, path, body));
  }

  private void answer(Exchange ex, ApiPath path, byte[] body) throws Exception {
    JsonNode digests;
    try {
      digests = JSON.readTree(body).path("digests");
    } catch (IOException e) {
      throw ApiErrors.of(HttpResponseStatus.BAD_REQUEST, "INVALID_REQUEST", "body is not JSON");
    }
    if (!digests.isArray() || digests.size() > MAX_DIGESTS) {
      throw ApiErrors.of(
          HttpResponseStatus.BAD_REQUEST,
          "INVALID_REQUEST",
          "digests: expected an array of at most " + MAX_DIGESTS + " digest strings");
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode available = out.putArray("available");
    ArrayNode missing = out.putArray("missing");
    for (JsonNode n : digests) {
      Digest d = Blobs.parseDigest(n.asText());
      var info =
          meta.blobLinked(path.repository(), d)
              ? store.info(d)
              : java.util.Optional.<dev.shoal.core.store.BlobInfo>empty();
      if (info.isPresent() && info.get().complete()) {
        available.addObject().put("digest", d.toString()).put("size", info.get().size());
      } else {
        missing.add(d.toString());
      }
    }
    FullHttpResponse r = Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(out));
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    ex.respond(r);
  }
}
