package dev.shoal.origin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.Responses;
import dev.shoal.origin.auth.Account;
import dev.shoal.origin.auth.Role;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /v2/_catalog?n=&last=} (Docker registry HTTP API v2, "Listing Repositories"): the
 * repositories the caller may see, in lexical order, paged like the tags list, with a {@code Link}
 * header to the next page when there is one.
 *
 * <p>Tenants: an admin lists every repository; any other account lists its own namespace ({@code
 * <account>/…}) only. Other tenants' public repositories are left out too: public means anyone may
 * pull one by its name, not that the registry hands out the names of another tenant's repositories,
 * and what a tenant sees must not change when someone else publishes or withdraws a repository.
 */
final class Catalog {
  static final String PATH = "/v2/_catalog";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryMetadata meta;

  Catalog(RegistryMetadata meta) {
    this.meta = meta;
  }

  void list(Exchange ex, Account caller) throws Exception {
    int n = Listings.pageSize(ex.query("n"));
    String last = ex.query("last");
    String namespace = caller.role() == Role.ADMIN ? "" : caller.name() + "/";
    // One more than asked for tells whether a next page exists.
    List<String> page = visible(namespace, last, n == 0 ? 0 : n + 1);
    boolean more = page.size() > n;
    List<String> names = more ? page.subList(0, n) : page;
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("repositories");
    names.forEach(list::add);
    FullHttpResponse r = Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(body));
    r.headers().set(RegistryErrors.API_VERSION_HEADER, RegistryErrors.API_VERSION);
    if (more) {
      r.headers()
          .set("Link", "<" + PATH + "?n=" + n + "&last=" + names.get(n - 1) + ">; rel=\"next\"");
    }
    ex.respond(r);
  }

  /**
   * Up to {@code want} repositories after {@code last} whose names start with {@code namespace},
   * read page by page from the metadata. The names of one namespace are contiguous in lexical
   * order, so the scan starts where the namespace does and ends at the first name past it: every
   * page is full unless the namespace ends, and no name is skipped.
   */
  private List<String> visible(String namespace, String last, int want) throws IOException {
    List<String> out = new ArrayList<>(Math.max(want, 0));
    String cursor = last == null || before(last, namespace) ? namespace : last;
    while (out.size() < want) {
      // The namespace itself ("alice/") is no repository name: starting after it starts at it.
      List<String> names = meta.repositories(cursor.isEmpty() ? null : cursor, want - out.size());
      if (names.isEmpty()) {
        break;
      }
      for (String name : names) {
        if (!name.startsWith(namespace)) {
          return out;
        }
        out.add(name);
      }
      cursor = names.get(names.size() - 1);
    }
    return out;
  }

  /** Whether {@code a} sorts before {@code b} in the metadata's order (UTF-8 bytes). */
  private static boolean before(String a, String b) {
    return Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8))
        < 0;
  }
}
