package dev.shoal.origin.admin;

import static dev.shoal.origin.admin.AdminJson.json;
import static dev.shoal.origin.admin.AdminJson.object;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.InvalidDigestException;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.origin.auth.Account;
import dev.shoal.origin.auth.Role;
import dev.shoal.origin.meta.ImageRef;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/**
 * The metadata queries of DESIGN.md S4, answered from {@link RegistryMetadata}:
 *
 * <ul>
 *   <li>{@code GET /shoal/v1/layers/DIGEST/images}: {@code {"layer", "images":[{"repository",
 *       "digest", "tags"}]}}, every manifest that references the blob directly;
 *   <li>{@code GET /shoal/v1/manifests/DIGEST/repositories}: {@code {"manifest",
 *       "repositories":[…]}}.
 * </ul>
 *
 * <p>An admin sees every repository; any other account only those in its own namespace ({@code
 * <account>/…}). Results are filtered before the answer is shaped, so a digest that only another
 * tenant holds answers exactly like one nobody holds: 200 with an empty list. (A 404 for "unknown"
 * would tell a tenant whether someone else holds a digest.) A malformed digest is 400 {@code
 * DIGEST_INVALID}.
 */
final class UsageQueries {
  private final RegistryMetadata meta;

  UsageQueries(RegistryMetadata meta) {
    this.meta = requireNonNull(meta, "meta");
  }

  void imagesUsing(Exchange ex, Account caller, String digest) throws HttpError, IOException {
    Digest layer = parse(digest);
    ObjectNode body = object().put("layer", layer.toString());
    ArrayNode images = body.putArray("images");
    for (ImageRef ref : meta.imagesUsing(layer)) {
      if (visible(caller, ref.repository())) {
        ObjectNode image =
            images
                .addObject()
                .put("repository", ref.repository())
                .put("digest", ref.manifest().toString());
        ArrayNode tags = image.putArray("tags");
        ref.tags().forEach(tags::add);
      }
    }
    ex.respond(json(HttpResponseStatus.OK, body));
  }

  void repositoriesHolding(Exchange ex, Account caller, String digest)
      throws HttpError, IOException {
    Digest manifest = parse(digest);
    ObjectNode body = object().put("manifest", manifest.toString());
    ArrayNode repositories = body.putArray("repositories");
    for (String repository : meta.repositoriesHolding(manifest)) {
      if (visible(caller, repository)) {
        repositories.add(repository);
      }
    }
    ex.respond(json(HttpResponseStatus.OK, body));
  }

  /** Tenant isolation: another tenant's repository is never named, not even counted. */
  private static boolean visible(Account caller, String repository) {
    return caller.role() == Role.ADMIN || caller.owns(repository);
  }

  private static Digest parse(String digest) throws HttpError {
    try {
      return Digest.parse(digest);
    } catch (InvalidDigestException e) {
      throw AdminJson.error(HttpResponseStatus.BAD_REQUEST, "DIGEST_INVALID", e.getMessage());
    }
  }
}
