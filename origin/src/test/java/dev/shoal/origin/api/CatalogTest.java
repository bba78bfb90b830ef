package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.origin.testing.RegistryHttp;
import dev.shoal.origin.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v2/_catalog} over HTTP: what each tenant lists, page by page. */
class CatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("^<([^>]+)>; rel=\"next\"$");

  // Chosen to sit around "alice/..." in lexical order: '-' and '.' sort before '/', '0' after.
  private static final List<String> ALICE =
      List.of("alice/a", "alice/b/deep", "alice/c", "alice/d", "alice/e");
  private static final List<String> OTHERS =
      List.of("a/first", "alice-x/app", "alice.z/app", "alice0/app", "bob/app", "zeta/last");

  @TempDir Path dir;
  private TestOrigin origin;
  private RegistryHttp admin;
  private RegistryHttp alice;
  private RegistryHttp bob;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(dir, Clock.systemUTC(), "alice", "bob");
    admin = origin.as("admin");
    alice = origin.as("alice");
    bob = origin.as("bob");
    int seed = 0;
    for (String repo : ALICE) {
      push(alice, repo, seed++);
    }
    for (String repo : OTHERS) {
      push(repo.startsWith("bob/") ? bob : admin, repo, seed++);
    }
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private static void push(RegistryHttp who, String repo, int seed) throws Exception {
    byte[] bytes = Blobs.random(seed, 100);
    Digest d = Digest.sha256Of(bytes);
    HttpResponse<byte[]> r = who.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, bytes);
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(201);
  }

  private static List<String> names(HttpResponse<byte[]> r) throws Exception {
    List<String> out = new ArrayList<>();
    JsonNode body = JSON.readTree(r.body());
    body.path("repositories").forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Optional<String> next(HttpResponse<byte[]> r) {
    return r.headers()
        .firstValue("Link")
        .map(
            link -> {
              Matcher m = NEXT.matcher(link);
              assertThat(m.matches()).as(link).isTrue();
              return m.group(1);
            });
  }

  /** Follows the Link headers from {@code first}; every page but the last must be full. */
  private static List<List<String>> pages(RegistryHttp who, String first, int n) throws Exception {
    List<List<String>> pages = new ArrayList<>();
    Optional<String> url = Optional.of(first);
    while (url.isPresent()) {
      HttpResponse<byte[]> r = who.get(url.get());
      assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(200);
      pages.add(names(r));
      url = next(r);
      if (url.isPresent()) {
        assertThat(pages.get(pages.size() - 1)).as("a page with a next link").hasSize(n);
      }
    }
    return pages;
  }

  private static List<String> flat(List<List<String>> pages) {
    return pages.stream().flatMap(List::stream).toList();
  }

  @Test
  void anAccountPagesThroughItsOwnNamespaceOnly_withFullPagesAndNoGaps() throws Exception {
    List<List<String>> pages = pages(alice, "/v2/_catalog?n=2", 2);

    assertThat(flat(pages)).isEqualTo(ALICE);
    assertThat(pages).hasSize(3);
    assertThat(names(bob.get("/v2/_catalog"))).containsExactly("bob/app");
    // Starting after a name outside the namespace still lists the namespace from its start.
    assertThat(names(alice.get("/v2/_catalog?n=10&last=a/first"))).isEqualTo(ALICE);
    assertThat(names(alice.get("/v2/_catalog?n=10&last=alice/c")))
        .containsExactly("alice/d", "alice/e");
    assertThat(names(alice.get("/v2/_catalog?last=bob/app"))).isEmpty();
  }

  @Test
  void admin_listsEveryRepositoryInLexicalOrder() throws Exception {
    List<String> all = new ArrayList<>(ALICE);
    all.addAll(OTHERS);
    all.sort(null);

    assertThat(flat(pages(admin, "/v2/_catalog?n=4", 4))).isEqualTo(all);
    assertThat(flat(pages(admin, "/v2/_catalog", 1000))).isEqualTo(all);
  }

  @Test
  void anotherTenantsPublicRepository_isNotListed() throws Exception {
    HttpResponse<byte[]> publish = admin.send("PUT", "/shoal/v1/public/bob/app", null);
    assertThat(publish.statusCode()).isEqualTo(200);

    assertThat(names(alice.get("/v2/_catalog"))).isEqualTo(ALICE);
    assertThat(names(bob.get("/v2/_catalog"))).containsExactly("bob/app");
  }

  @Test
  void anonymous_isChallengedForTheCatalogScope() throws Exception {
    HttpResponse<byte[]> r = new RegistryHttp(origin.uri()).get("/v2/_catalog");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(RegistryHttp.text(r)).contains("\"code\":\"UNAUTHORIZED\"");
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .contains(
            "Bearer realm=\""
                + origin.uri()
                + "/token\",service=\"shoal\",scope=\"registry:catalog:*\"");
    RegistryHttp wrong = new RegistryHttp(origin.uri(), RegistryHttp.basic("alice", "guess"));
    assertThat(wrong.get("/v2/_catalog").statusCode()).isEqualTo(401);
  }

  @Test
  void bearerToken_listsOnlyWithTheCatalogScope() throws Exception {
    RegistryHttp withCatalog =
        new RegistryHttp(origin.uri(), "Bearer " + token("registry:catalog:*"));
    assertThat(names(withCatalog.get("/v2/_catalog"))).isEqualTo(ALICE);

    RegistryHttp repoOnly =
        new RegistryHttp(origin.uri(), "Bearer " + token("repository:alice/a:pull"));
    HttpResponse<byte[]> refused = repoOnly.get("/v2/_catalog");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("scope=\"registry:catalog:*\",error=\"insufficient_scope\"");

    HttpResponse<byte[]> anonymousToken =
        new RegistryHttp(origin.uri()).get("/token?service=shoal&scope=registry:catalog:*");
    String anonymous = JSON.readTree(anonymousToken.body()).path("token").asText();
    assertThat(
            new RegistryHttp(origin.uri(), "Bearer " + anonymous).get("/v2/_catalog").statusCode())
        .as("an anonymous token lists nothing")
        .isEqualTo(401);
  }

  private String token(String scope) throws Exception {
    HttpResponse<byte[]> t = alice.get("/token?service=shoal&scope=" + scope);
    assertThat(t.statusCode()).isEqualTo(200);
    return JSON.readTree(t.body()).path("token").asText();
  }

  @Test
  void badPageSizesAndMethods_areOciErrors() throws Exception {
    HttpResponse<byte[]> zero = alice.get("/v2/_catalog?n=0");
    assertThat(zero.statusCode()).isEqualTo(200);
    assertThat(names(zero)).isEmpty();
    assertThat(zero.headers().firstValue("Link")).isEmpty();

    HttpResponse<byte[]> bad = alice.get("/v2/_catalog?n=many");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(RegistryHttp.text(bad)).contains("\"code\":\"PAGINATION_NUMBER_INVALID\"");

    HttpResponse<byte[]> post = alice.send("POST", "/v2/_catalog", null);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(RegistryHttp.text(post)).contains("\"code\":\"UNSUPPORTED\"");
  }
}
