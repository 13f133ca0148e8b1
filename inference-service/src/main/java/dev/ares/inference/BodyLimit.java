package dev.ares.inference;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a {@code /v1} body larger than {@code ares.inference.max-body-bytes} (by its {@code Content-Length}) with
 * 413 and an OpenAI error body, before it is read. ({@code quarkus.http.limits.max-body-size} stays as the hard cap
 * for bodies sent without a length.)
 */
@ApplicationScoped
public class BodyLimit {
    @ConfigProperty(name = "ares.inference.max-body-bytes", defaultValue = "8388608")
    long maxBytes;

    void install(@Observes Router router) {
        router.route("/v1/*").order(Integer.MIN_VALUE).handler(rc -> {
            String len = rc.request().getHeader("Content-Length");
            long n;
            try {
                n = len == null ? -1 : Long.parseLong(len.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n > maxBytes) {
                JsonObject body = new JsonObject().put("error", new JsonObject()
                        .put("message", "request body of " + n + " bytes exceeds the limit of " + maxBytes + " bytes")
                        .put("type", "invalid_request_error").putNull("param").put("code", 413));
                rc.response().setStatusCode(413).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                        .end(body.encode());
                return;
            }
            rc.next();
        });
    }
}
