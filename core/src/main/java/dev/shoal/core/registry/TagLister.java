package dev.shoal.core.registry;

import static dev.shoal.core.registry.RegistryRequest.pullScope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/tags/list}, following the {@code Link: <…>; rel="next"} pages (RFC 8288,
 * distribution spec "Listing Tags").
 */
final class TagLister {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");
  private static final int MAX_PAGES = 10_000;
  private static final int MAX_PAGE_BYTES = 16 * 1024 * 1024;

  private final Transport transport;
  private final RegistryPaths paths;

  TagLister(Transport transport, RegistryPaths paths) {
    this.transport = transport;
    this.paths = paths;
  }

  List<String> list(String repo, int pageSize) throws IOException {
    String what = "GET tags " + repo;
    List<String> tags = new ArrayList<>();
    URI uri = paths.tags(repo, pageSize);
    for (int page = 0; uri != null; page++) {
      if (page >= MAX_PAGES) {
        throw new RegistryException(what + ": more than " + MAX_PAGES + " pages", 200, List.of());
      }
      HttpResponse<InputStream> response =
          transport.send(RegistryRequest.of("GET", uri, List.of(pullScope(repo)), what));
      Responses.expect(response, what, 200);
      JsonNode body;
      try (InputStream in = response.body()) {
        body = JSON.readTree(in.readNBytes(MAX_PAGE_BYTES));
      }
      if (body == null || !body.isObject()) {
        throw new RegistryException(what + ": answer is not a JSON object", 200, List.of());
      }
      for (JsonNode t : body.path("tags")) {
        tags.add(t.asText());
      }
      Optional<String> next = next(response.headers().firstValue("Link").orElse(null));
      uri = next.isPresent() ? Transport.resolve(uri, next.get(), what) : null;
    }
    return tags;
  }

  static Optional<String> next(String link) {
    if (link == null) {
      return Optional.empty();
    }
    Matcher m = NEXT.matcher(link);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
