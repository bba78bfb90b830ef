package dev.shoal.agent.upstream;

import dev.shoal.core.distribution.RegistryErrors;
import dev.shoal.core.http.HttpError;
import dev.shoal.core.registry.RegistryException;
import dev.shoal.core.registry.UnauthorizedException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Map;

/** Turns what an upstream answered into the answer the mirror gives its own client. */
public final class UpstreamErrors {
  private UpstreamErrors() {}

  /**
   * Whether the upstream could not be asked at all (no connection, or a server error after the
   * client's retries), as opposed to an answer such as 401 or 404 that the mirror passes on.
   */
  public static boolean unreachable(IOException e) {
    if (!(e instanceof RegistryException r)) {
      return true;
    }
    return r.status() <= 0 || r.status() >= 500;
  }

  /**
   * The mirror's answer to an upstream's refusal: 401 with the upstream's own challenge (so the
   * client fetches a token where the upstream says and comes back with it), 403, 404 with the
   * upstream's code, or 502 when the upstream could not be asked.
   *
   * @param notFoundCode the code for a 404 that carried none, e.g. {@code BLOB_UNKNOWN}
   */
  public static HttpError toHttp(Upstream upstream, IOException e, String notFoundCode) {
    if (unreachable(e)) {
      return RegistryErrors.httpError(
          HttpResponseStatus.BAD_GATEWAY,
          "UNAVAILABLE",
          "upstream " + upstream.url() + " is unreachable: " + e.getMessage());
    }
    RegistryException r = (RegistryException) e;
    String code = r.errors().isEmpty() ? null : r.errors().get(0).code();
    if (r instanceof UnauthorizedException u && u.status() == 401) {
      String challenge =
          u.challenge().orElse("Basic realm=\"" + upstream.name().replace("\"", "") + "\"");
      return new HttpError(
          "upstream " + upstream.name() + " wants credentials",
          () -> {
            FullHttpResponse resp =
                RegistryErrors.error(
                    HttpResponseStatus.UNAUTHORIZED,
                    code == null ? "UNAUTHORIZED" : code,
                    "authentication required by " + upstream.name(),
                    Map.of());
            resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
            return resp;
          });
    }
    if (r.status() == 403) {
      return RegistryErrors.httpError(
          HttpResponseStatus.FORBIDDEN,
          code == null ? "DENIED" : code,
          "access denied by " + upstream.name());
    }
    if (r.status() == 404) {
      return RegistryErrors.httpError(
          HttpResponseStatus.NOT_FOUND,
          code == null ? notFoundCode : code,
          "unknown to " + upstream.name() + ": " + firstMessage(r));
    }
    return RegistryErrors.httpError(
        HttpResponseStatus.valueOf(r.status()),
        code == null ? "UNKNOWN" : code,
        "upstream " + upstream.name() + " answered: " + firstMessage(r));
  }

  private static String firstMessage(RegistryException r) {
    return r.errors().isEmpty() || r.errors().get(0).message().isEmpty()
        ? r.getMessage()
        : r.errors().get(0).message();
  }
}
