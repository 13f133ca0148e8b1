package dev.ares.inference;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Optional API keys (architecture.md §7): when {@code ares.inference.api-keys} lists keys, every {@code /v1} request
 * must carry {@code Authorization: Bearer <one of them>}, else 401 {@code invalid_api_key}. With no keys the API is
 * open. Health and metrics ({@code /q/...}) are not behind this filter, so probes and scrapers need no key.
 */
public class ApiKeyFilter {
    @ConfigProperty(name = "ares.inference.api-keys")
    Optional<List<String>> keys;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response check(ContainerRequestContext ctx) {
        List<String> allowed = keys.orElse(List.of()).stream().filter(k -> !k.isBlank()).toList();
        if (allowed.isEmpty()) {
            return null;
        }
        String h = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            for (String k : allowed) {
                if (MessageDigest.isEqual(given, k.getBytes(StandardCharsets.UTF_8))) {
                    return null;
                }
            }
        }
        return Response.fromResponse(OpenAiError.response(401, "invalid_request_error",
                h == null ? "Missing API key: send 'Authorization: Bearer <key>'" : "Incorrect API key provided", null, "invalid_api_key"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
