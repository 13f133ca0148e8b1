package dev.ares.inference;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The OpenAI error body, {@code {"error": {"message", "type", "param", "code"}}}, as vLLM's server returns it.
 */
public record OpenAiError(@JsonProperty("error") Body error) {

    public record Body(String message, String type, String param, Object code) {
    }

    /** A response with this error and the HTTP status. */
    public static Response response(int status, String type, String message, String param) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new OpenAiError(new Body(message, type, param, status))).build();
    }

    /** 404 for a request naming a model this server does not serve ({@code code: "model_not_found"}). */
    public static Response modelNotFound(String model) {
        return Response.status(404).type(MediaType.APPLICATION_JSON).entity(new OpenAiError(new Body(
                "The model `" + model + "` does not exist.", "NotFoundError", "model", "model_not_found"))).build();
    }

    public static Response badRequest(String message, String param) {
        return response(400, "invalid_request_error", message, param);
    }
}
