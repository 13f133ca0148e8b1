package dev.ares.inference;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The OpenAI error body, {@code {"error": {"message", "type", "param", "code"}}}, as vLLM's server returns it.
 */
public record OpenAiError(@JsonProperty("error") Body error) {

    /** {@code code} is a string code such as {@code context_length_exceeded}, or the HTTP status when there is none. */
    public record Body(String message, String type, String param, Object code) {
    }

    /** A response with this error and the HTTP status ({@code code} defaults to the status). */
    public static Response response(int status, String type, String message, String param, String code) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new OpenAiError(new Body(message, type, param, code == null ? (Object) status : code))).build();
    }

    /** 404 for a request naming a model this server does not serve ({@code code: "model_not_found"}). */
    public static Response modelNotFound(String model) {
        return response(404, "NotFoundError", "The model `" + model + "` does not exist.", "model", "model_not_found");
    }

    public static Response badRequest(String message, String param) {
        return response(400, "invalid_request_error", message, param, null);
    }
}
