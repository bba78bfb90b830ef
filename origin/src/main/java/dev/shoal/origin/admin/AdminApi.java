package dev.shoal.origin.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.BodyConsumer;
import dev.shoal.core.http.Exchange;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.http.RequestHandler;
import dev.shoal.core.http.Responses;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.reference.InvalidReferenceException;
import dev.shoal.origin.auth.Account;
import dev.shoal.origin.auth.Accounts;
import dev.shoal.origin.auth.Authorizer;
import dev.shoal.origin.auth.Decision;
import dev.shoal.origin.auth.IssuedToken;
import dev.shoal.origin.auth.PublicRepositories;
import dev.shoal.origin.auth.Role;
import dev.shoal.origin.auth.TokenService;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The origin's own administration API under {@code /shoal/v1/}, used by {@code ./shoal account} and
 * {@code ./shoal login}:
 *
 * <ul>
 *   <li>{@code GET /shoal/v1/accounts}, {@code POST /shoal/v1/accounts} ({@code
 *       {"name","password","role"}}), {@code DELETE /shoal/v1/accounts/NAME}: admin only;
 *   <li>{@code PUT} and {@code DELETE /shoal/v1/public/REPOSITORY}: anonymous pull on or off, admin
 *       only;
 *   <li>{@code POST /shoal/v1/login-token}: a 12-hour login token for the caller, usable as the
 *       password of {@code docker login}-style clients.
 * </ul>
 */
public final class AdminApi implements RequestHandler {
  public static final String PATH = "/shoal/v1/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 16 * 1024;

  private final Authorizer authorizer;
  private final Accounts accounts;
  private final PublicRepositories publicRepos;
  private final TokenService tokens;

  public AdminApi(
      Authorizer authorizer,
      Accounts accounts,
      PublicRepositories publicRepos,
      TokenService tokens) {
    this.authorizer = authorizer;
    this.accounts = accounts;
    this.publicRepos = publicRepos;
    this.tokens = tokens;
  }

  @Override
  public BodyConsumer handle(Exchange ex) throws Exception {
    Decision d = authorizer.authenticate(ex.header(HttpHeaderNames.AUTHORIZATION));
    if (!d.allowed() || d.subject().isEmpty()) {
      throw error(HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED", "log in with an account");
    }
    Account caller = d.subject().get();
    String rest = ex.path().substring(PATH.length());
    HttpMethod m = ex.method();
    if (rest.equals("login-token") && m.equals(HttpMethod.POST)) {
      IssuedToken t = tokens.issueLogin(caller);
      ObjectNode body =
          JSON.createObjectNode()
              .put("token", t.token())
              .put("expires_in", t.expiresIn().toSeconds())
              .put("account", caller.name());
      ex.respond(json(HttpResponseStatus.OK, body));
      return null;
    }
    if (caller.role() != Role.ADMIN) {
      throw error(HttpResponseStatus.FORBIDDEN, "DENIED", "this needs an admin account");
    }
    if (rest.equals("accounts") && m.equals(HttpMethod.GET)) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode list = body.putArray("accounts");
      for (Account a : accounts.list()) {
        list.addObject().put("name", a.name()).put("role", a.role().wireName());
      }
      ex.respond(json(HttpResponseStatus.OK, body));
      return null;
    }
    if (rest.equals("accounts") && m.equals(HttpMethod.POST)) {
      return new JsonBody(ex, this::addAccount);
    }
    if (rest.startsWith("accounts/") && m.equals(HttpMethod.DELETE)) {
      String name = rest.substring("accounts/".length());
      if (!remove(name)) {
        throw error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no account " + name);
      }
      ex.respond(json(HttpResponseStatus.OK, JSON.createObjectNode().put("removed", name)));
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
      ex.respond(
          json(
              HttpResponseStatus.OK,
              JSON.createObjectNode().put("repository", repo).put("public", open)));
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
              JSON.createObjectNode().put("name", a.name()).put("role", a.role().wireName())));
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

  private static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
    try {
      return Responses.json(status, JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e); // a tree of strings always serializes
    }
  }

  static HttpError error(HttpResponseStatus status, String code, String message) {
    return new HttpError(
        code + ": " + message, () -> RegistryErrors.error(status, code, message, Map.of()));
  }

  /** Reads a small JSON body, then hands it on. */
  private static final class JsonBody implements BodyConsumer {
    interface End {
      void run(Exchange ex, JsonNode body) throws HttpError;
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final End end;

    JsonBody(Exchange ex, End end) {
      this.end = end;
    }

    @Override
    public void onData(ByteBuf chunk) throws HttpError, IOException {
      if (bytes.size() + chunk.readableBytes() > MAX_BODY) {
        throw error(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "INVALID_REQUEST", "body too large");
      }
      chunk.readBytes(bytes, chunk.readableBytes());
    }

    @Override
    public void onEnd(Exchange ex) throws HttpError {
      JsonNode body;
      try {
        body = JSON.readTree(bytes.toByteArray());
      } catch (IOException e) {
        throw error(HttpResponseStatus.BAD_REQUEST, "INVALID_REQUEST", "body is not JSON");
      }
      end.run(ex, body == null ? JSON.createObjectNode() : body);
    }
  }
}
