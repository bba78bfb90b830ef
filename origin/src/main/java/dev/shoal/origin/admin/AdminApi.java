package dev.shoal.origin.admin;

import static dev.shoal.origin.admin.AdminJson.error;
import static dev.shoal.origin.admin.AdminJson.json;
import static dev.shoal.origin.admin.AdminJson.object;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import dev.shoal.origin.auth.Account;
import dev.shoal.origin.auth.Accounts;
import dev.shoal.origin.auth.Authorizer;
import dev.shoal.origin.auth.Decision;
import dev.shoal.origin.auth.IssuedToken;
import dev.shoal.origin.auth.PublicRepositories;
import dev.shoal.origin.auth.Role;
import dev.shoal.origin.auth.SigningKeys;
import dev.shoal.origin.auth.TokenService;
import dev.shoal.origin.meta.RegistryMetadata;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Locale;

/**
 * The origin's own administration API under {@code /shoal/v1/}, used by {@code ./shoal account},
 * {@code key}, {@code login}, {@code layer-users} and {@code image-repos}. Callers authenticate
 * with account credentials (Basic: a password or a login token); a registry access token (Bearer)
 * is refused here, since it is scoped to repositories and handed to container runtimes.
 *
 * <ul>
 *   <li>{@code GET /shoal/v1/accounts}, {@code POST /shoal/v1/accounts} ({@code
 *       {"name","password","role"}}), {@code DELETE /shoal/v1/accounts/NAME}: admin only;
 *   <li>{@code PUT} and {@code DELETE /shoal/v1/public/REPOSITORY}: anonymous pull on or off, admin
 *       only;
 *   <li>{@code GET /shoal/v1/keys}, {@code POST /shoal/v1/keys/rotate}: the token signing keys,
 *       admin only ({@link SigningKeyEndpoints});
 *   <li>{@code GET /shoal/v1/layers/DIGEST/images}, {@code GET
 *       /shoal/v1/manifests/DIGEST/repositories}: any account, within what it may see ({@link
 *       UsageQueries});
 *   <li>{@code POST /shoal/v1/login-token}: a 12-hour login token for the caller, usable as the
 *       password of {@code docker login}-style clients.
 * </ul>
 */
public final class AdminApi implements RequestHandler {
  public static final String PATH = "/shoal/v1/";

  private final Authorizer authorizer;
  private final Accounts accounts;
  private final PublicRepositories publicRepos;
  private final TokenService tokens;
  private final SigningKeyEndpoints keys;
  private final UsageQueries queries;

  public AdminApi(
      Authorizer authorizer,
      Accounts accounts,
      PublicRepositories publicRepos,
      TokenService tokens,
      SigningKeys keys,
      RegistryMetadata meta) {
    this.authorizer = requireNonNull(authorizer, "authorizer");
    this.accounts = requireNonNull(accounts, "accounts");
    this.publicRepos = requireNonNull(publicRepos, "publicRepos");
    this.tokens = requireNonNull(tokens, "tokens");
    this.keys = new SigningKeyEndpoints(keys);
    this.queries = new UsageQueries(meta);
  }

  @Override
  public BodyConsumer handle(Exchange ex) throws Exception {
    Account caller = caller(ex.header(HttpHeaderNames.AUTHORIZATION));
    String rest = ex.path().substring(PATH.length());
    HttpMethod m = ex.method();
    if (rest.equals("login-token") && m.equals(HttpMethod.POST)) {
      IssuedToken t = tokens.issueLogin(caller);
      ObjectNode body =
          object()
              .put("token", t.token())
              .put("expires_in", t.expiresIn().toSeconds())
              .put("account", caller.name());
      ex.respond(json(HttpResponseStatus.OK, body));
      return null;
    }
    if (m.equals(HttpMethod.GET)) {
      String layer = between(rest, "layers/", "/images");
      if (layer != null) {
        queries.imagesUsing(ex, caller, layer);
        return null;
      }
      String manifest = between(rest, "manifests/", "/repositories");
      if (manifest != null) {
        queries.repositoriesHolding(ex, caller, manifest);
        return null;
      }
    }
    if (caller.role() != Role.ADMIN) {
      throw error(HttpResponseStatus.FORBIDDEN, "DENIED", "this needs an admin account");
    }
    if (rest.equals("keys") && m.equals(HttpMethod.GET)) {
      keys.list(ex);
      return null;
    }
    if (rest.equals("keys/rotate") && m.equals(HttpMethod.POST)) {
      keys.rotate(ex, caller);
      return null;
    }
    if (rest.equals("accounts") && m.equals(HttpMethod.GET)) {
      ObjectNode body = object();
      ArrayNode list = body.putArray("accounts");
      for (Account a : accounts.list()) {
        list.addObject().put("name", a.name()).put("role", a.role().wireName());
      }
      ex.respond(json(HttpResponseStatus.OK, body));
      return null;
    }
    if (rest.equals("accounts") && m.equals(HttpMethod.POST)) {
      return new AdminJson.Body(this::addAccount);
    }
    if (rest.startsWith("accounts/") && m.equals(HttpMethod.DELETE)) {
      String name = rest.substring("accounts/".length());
      if (!remove(name)) {
        throw error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no account " + name);
      }
      ex.respond(json(HttpResponseStatus.OK, object().put("removed", name)));
      return null;
    }
    if (rest.startsWith("public/") && (m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE))) {
      String repo = repository(rest.substring("public/".length()));
      boolean open = m.equals(HttpMethod.PUT);
      if (open) {
        publicRepos.add(repo);
      } else {
        publicRepos.remove(repo);
      }
      ex.respond(json(HttpResponseStatus.OK, object().put("repository", repo).put("public", open)));
      return null;
    }
    throw error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no endpoint " + m + " " + ex.path());
  }

  private boolean remove(String name) throws HttpError {
    try {
      return accounts.remove(name);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw error(HttpResponseStatus.BAD_REQUEST, "INVALID_REQUEST", e.getMessage());
    }
  }

  private void addAccount(Exchange ex, JsonNode body) throws HttpError {
    String name = body.path("name").asText("");
    String password = body.path("password").asText("");
    Role role;
    try {
      role = Role.parse(body.path("role").asText("user"));
      Account a = accounts.add(name, password, role);
      ex.respond(
          json(
              HttpResponseStatus.CREATED,
              object().put("name", a.name()).put("role", a.role().wireName())));
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw error(HttpResponseStatus.BAD_REQUEST, "INVALID_REQUEST", e.getMessage());
    }
  }

  private static String repository(String name) throws HttpError {
    try {
      return ImageReference.validateRepositoryName(name);
    } catch (InvalidReferenceException e) {
      throw error(HttpResponseStatus.BAD_REQUEST, "NAME_INVALID", e.getMessage());
    }
  }

  /** The account whose credentials these are; 401 without them or for a registry access token. */
  private Account caller(String authorization) throws HttpError {
    String scheme = authorization == null ? "" : authorization.strip().split(" ", 2)[0];
    if (scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
      throw error(
          HttpResponseStatus.UNAUTHORIZED,
          "UNAUTHORIZED",
          "registry access tokens are not accepted here; use an account's password or login token");
    }
    Decision d = authorizer.authenticate(authorization);
    if (!d.allowed() || d.subject().isEmpty()) {
      throw error(HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED", "log in with an account");
    }
    return d.subject().get();
  }

  /** The part of {@code path} between {@code head} and {@code tail}, or null if it has not both. */
  private static String between(String path, String head, String tail) {
    if (path.length() <= head.length() + tail.length()
        || !path.startsWith(head)
        || !path.endsWith(tail)) {
      return null;
    }
    return path.substring(head.length(), path.length() - tail.length());
  }
}
