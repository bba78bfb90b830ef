package dev.shoal.origin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import dev.shoal.origin.testing.RegistryHttp;
import dev.shoal.origin.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts made through the admin API, and what tenants can see of each other over HTTP. */
class TenantIsolationTest {
  @TempDir Path dir;
  private TestOrigin origin;
  private RegistryHttp admin;
  private RegistryHttp alice;
  private RegistryHttp bob;
  private RegistryHttp anonymous;

  @BeforeEach
  void start() throws Exception {
    origin = TestOrigin.start(dir, Clock.systemUTC(), "alice", "bob");
    admin = origin.as("admin");
    anonymous = origin.anonymous();
    alice = origin.as("alice");
    bob = origin.as("bob");
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  private Digest push(RegistryHttp who, String repo, byte[] bytes) throws Exception {
    Digest d = Digest.sha256Of(bytes);
    HttpResponse<byte[]> r = who.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, bytes);
    assertThat(r.statusCode()).as(RegistryHttp.text(r)).isEqualTo(201);
    return d;
  }

  @Test
  void aTenantCannotReadListMountOrLearnOfAnothersRepositories() throws Exception {
    Digest d = push(alice, "alice/app", Blobs.random(1, 5000));

    HttpResponse<byte[]> blob = bob.get("/v2/alice/app/blobs/" + d);
    HttpResponse<byte[]> missing = bob.get("/v2/alice/nothing/blobs/" + d);
    assertThat(blob.statusCode()).isEqualTo(404);
    assertThat(RegistryHttp.text(blob)).contains("BLOB_UNKNOWN");
    // Exactly what a repository that does not exist answers.
    assertThat(blob.statusCode()).isEqualTo(missing.statusCode());
    assertThat(bob.get("/v2/alice/app/tags/list").statusCode()).isEqualTo(404);

    HttpResponse<byte[]> mount =
        bob.send("POST", "/v2/bob/app/blobs/uploads/?mount=" + d + "&from=alice/app", null);
    assertThat(mount.statusCode()).as("no mount from another tenant").isEqualTo(202);
    assertThat(bob.head("/v2/bob/app/blobs/" + d).statusCode()).isEqualTo(404);

    assertThat(alice.send("POST", "/v2/bob/app/blobs/uploads/", null).statusCode()).isEqualTo(404);
    assertThat(admin.get("/v2/alice/app/blobs/" + d).statusCode())
        .as("admin sees all")
        .isEqualTo(200);
  }

  @Test
  void onlyAdminsManageAccounts() throws Exception {
    HttpResponse<byte[]> list = admin.get("/shoal/v1/accounts");
    assertThat(RegistryHttp.text(list))
        .isEqualTo(
            "{\"accounts\":[{\"name\":\"admin\",\"role\":\"admin\"},"
                + "{\"name\":\"alice\",\"role\":\"user\"},{\"name\":\"bob\",\"role\":\"user\"}]}");
    assertThat(alice.get("/shoal/v1/accounts").statusCode()).isEqualTo(403);
    assertThat(anonymous.get("/shoal/v1/accounts").statusCode()).isEqualTo(401);

    assertThat(admin.send("DELETE", "/shoal/v1/accounts/bob", null).statusCode()).isEqualTo(200);
    assertThat(bob.get("/v2/bob/app/tags/list").statusCode()).isEqualTo(401);
  }

  @Test
  void loginTokenWorksAsThePasswordOfBasicCredentials() throws Exception {
    HttpResponse<byte[]> r = alice.send("POST", "/shoal/v1/login-token", null);
    assertThat(r.statusCode()).isEqualTo(200);
    var body = new ObjectMapper().readTree(r.body());
    assertThat(body.path("expires_in").asLong()).isEqualTo(12 * 3600);

    RegistryHttp withToken =
        new RegistryHttp(origin.uri(), RegistryHttp.basic("alice", body.path("token").asText()));
    push(withToken, "alice/tool", Blobs.random(2, 100));
  }

  @Test
  void anonymousPullOnlyWhereTheAdminAllowsIt() throws Exception {
    Digest d = push(alice, "alice/public-app", Blobs.random(3, 700));
    assertThat(anonymous.get("/v2/alice/public-app/blobs/" + d).statusCode()).isEqualTo(401);

    assertThat(admin.send("PUT", "/shoal/v1/public/alice/public-app", null).statusCode())
        .isEqualTo(200);
    assertThat(anonymous.get("/v2/alice/public-app/blobs/" + d).statusCode()).isEqualTo(200);
    assertThat(anonymous.send("POST", "/v2/alice/public-app/blobs/uploads/", null).statusCode())
        .as("public means pull, never push")
        .isEqualTo(401);

    admin.send("DELETE", "/shoal/v1/public/alice/public-app", null);
    assertThat(anonymous.get("/v2/alice/public-app/blobs/" + d).statusCode()).isEqualTo(401);
  }
}
