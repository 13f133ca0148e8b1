package dev.ares.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps failures to OpenAI-style error bodies: bad input -> 400, unknown model -> 404, no model loaded -> 503
 * with {@code Retry-After}; never a stack trace to the client.
 */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e) {
        return OpenAiError.badRequest(e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return OpenAiError.badRequest("invalid JSON body: " + e.getOriginalMessage(), null);
    }

    @ServerExceptionMapper
    public Response notReady(IllegalStateException e) {
        return Response.fromResponse(OpenAiError.response(503, "service_unavailable", e.getMessage(), null))
                .header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return OpenAiError.response(status, status == 404 ? "not_found_error" : "invalid_request_error", e.getMessage(), null);
    }
}
