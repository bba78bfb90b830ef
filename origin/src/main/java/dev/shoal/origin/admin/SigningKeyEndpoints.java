package dev.shoal.origin.admin;

import static dev.shoal.origin.admin.AdminJson.json;
import static dev.shoal.origin.admin.AdminJson.object;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.core.http.Exchange;
import dev.shoal.origin.auth.Account;
import dev.shoal.origin.auth.SigningKeys;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /shoal/v1/keys} and {@code POST /shoal/v1/keys/rotate} (DESIGN.md S1): the token
 * signing keys by id and creation time, never their secrets; and rotation, after which new tokens
 * carry the new key's id while tokens signed before stay valid until they expire.
 */
final class SigningKeyEndpoints {
  private static final Logger log = LoggerFactory.getLogger(SigningKeyEndpoints.class);

  private final SigningKeys keys;

  SigningKeyEndpoints(SigningKeys keys) {
    this.keys = requireNonNull(keys, "keys");
  }

  /** {@code {"keys":[{"kid","created","signing"}]}}, oldest first. */
  void list(Exchange ex) {
    ObjectNode body = object();
    ArrayNode list = body.putArray("keys");
    for (SigningKeys.Info k : keys.list()) {
      list.addObject()
          .put("kid", k.kid())
          .put("created", k.created().toString())
          .put("signing", k.signing());
    }
    ex.respond(json(HttpResponseStatus.OK, body));
  }

  /** {@code {"kid","created"}} of the new signing key. */
  void rotate(Exchange ex, Account caller) throws IOException {
    String kid = keys.rotate();
    SigningKeys.Info made =
        keys.list().stream()
            .filter(k -> k.kid().equals(kid))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("rotated key " + kid + " not listed"));
    // Rare and security-relevant: worth a line in the log.
    log.info("signing key rotated kid={} by={}", kid, caller.name());
    ex.respond(
        json(
            HttpResponseStatus.OK,
            object().put("kid", kid).put("created", made.created().toString())));
  }
}
