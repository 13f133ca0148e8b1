package dev.ares.inference;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.ares.core.compute.ContextLengthExceededException;
import dev.ares.core.compute.ServingRejectedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps failures to OpenAI-style error bodies (reliability.md contract 3 and 4): bad input -> 400 naming the field,
 * a prompt over the context -> 400 {@code context_length_exceeded}, a full queue -> 429 and a queue wait over the
 * limit or no model -> 503, both with {@code Retry-After}; never a stack trace to the client.
 */
public class ErrorMappers {
    private static final System.Logger LOG = System.getLogger(ErrorMappers.class.getName());

    /** The response for any failure of a request. */
    static Response toResponse(Throwable e) {
        if (e instanceof BadRequestException b) {
            return OpenAiError.response(b.status(), b.status() == 404 ? "NotFoundError" : "invalid_request_error", b.getMessage(),
                    b.param(), b.code());
        }
        if (e instanceof ContextLengthExceededException c) {
            return OpenAiError.response(400, "invalid_request_error", c.getMessage(), "messages", "context_length_exceeded");
        }
        if (e instanceof ServingRejectedException r) {
            boolean full = r.reason() == ServingRejectedException.Reason.QUEUE_FULL;
            return Response.fromResponse(OpenAiError.response(full ? 429 : 503, full ? "rate_limit_exceeded" : "service_unavailable",
                    r.getMessage(), null, full ? "queue_full" : "queue_timeout")).header("Retry-After", r.retryAfterSeconds()).build();
        }
        if (e instanceof IllegalArgumentException i) {
            return OpenAiError.badRequest(i.getMessage(), null);
        }
        if (e instanceof IllegalStateException s) {
            return Response.fromResponse(OpenAiError.response(503, "service_unavailable", s.getMessage(), null, null))
                    .header("Retry-After", "5").build();
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String param = fieldPath(m);
            return OpenAiError.badRequest("'" + param + "' has the wrong type or value: " + m.getOriginalMessage(), param);
        }
        if (e instanceof JsonProcessingException j) {
            return OpenAiError.badRequest("invalid JSON body: " + j.getOriginalMessage(), null);
        }
        if (e instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            return OpenAiError.response(status, status == 404 ? "NotFoundError" : status >= 500 ? "internal_error" : "invalid_request_error",
                    w.getMessage(), null, null);
        }
        LOG.log(System.Logger.Level.ERROR, "request failed", e);
        return OpenAiError.response(500, "internal_error", "internal error: " + e.getClass().getSimpleName(), null, null);
    }

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response rejected(ServingRejectedException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return toResponse(e);
    }

    /** Jackson's type errors (Quarkus REST has its own mapper for these; this one keeps the OpenAI body). */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatch(MismatchedInputException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response badFormat(InvalidFormatException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mapping(JsonMappingException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response parse(JsonParseException e) {
        return toResponse(e);
    }

    /** {@code messages[0].content}: the JSON path of a mapping error. */
    private static String fieldPath(JsonMappingException m) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    @ServerExceptionMapper
    public Response notReady(IllegalStateException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response other(RuntimeException e) {
        return toResponse(e);
    }
}
