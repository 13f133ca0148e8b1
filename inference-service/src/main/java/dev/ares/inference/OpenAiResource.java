package dev.ares.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.compute.ContextLengthExceededException;
import dev.ares.core.compute.ServingEngine;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenAI-compatible endpoints (architecture.md §7, docs/inference.md): {@code GET /v1/models},
 * {@code POST /v1/completions}, {@code POST /v1/chat/completions}, with and without {@code stream}. A request naming
 * another model than the served one gets 404 {@code model_not_found}, as vLLM answers. Requests are answered
 * asynchronously: no thread waits while a request is queued or generating; a streaming response holds one worker
 * thread that writes its events.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@io.quarkus.runtime.Startup // image settings are checked at start (reliability.md scenario 18)
public class OpenAiResource {

    @Inject
    EngineReadiness engines;

    @Inject
    ObjectMapper json;

    @Inject
    InferenceMetrics metrics;

    @ConfigProperty(name = "ares.inference.max-tokens", defaultValue = "4096")
    int maxTokens;

    @ConfigProperty(name = "ares.inference.max-n", defaultValue = "16")
    int maxN;

    @ConfigProperty(name = "ares.inference.default-max-tokens", defaultValue = "256")
    int defaultMaxTokens;

    /** HWE threshold tau (nats) for the {@code ares.hwe_count} of a response. */
    @ConfigProperty(name = "ares.inference.hwe-threshold", defaultValue = "1.0")
    double hweThreshold;

    /** Window W of the forward window entropy (spec §2; the official default). */
    @ConfigProperty(name = "ares.inference.hwe-window", defaultValue = "4")
    int hweWindow;

    @ConfigProperty(name = "ares.inference.images.max-pixels", defaultValue = "12845056")
    long maxPixels;

    /** Most {@code image_url} parts in one chat request (for a vision-language model). */
    @ConfigProperty(name = "ares.inference.images.max-per-request", defaultValue = "" + RequestMapper.DEFAULT_MAX_IMAGES)
    int maxImages;

    @ConfigProperty(name = "ares.inference.remote-images.enabled", defaultValue = "false")
    boolean remoteImages;

    @ConfigProperty(name = "ares.inference.remote-images.allowed-hosts")
    Optional<List<String>> allowedHosts;

    @ConfigProperty(name = "ares.inference.remote-images.max-bytes", defaultValue = "20971520")
    int remoteMaxBytes;

    private ImageInput images;

    @PostConstruct
    void init() {
        images = new ImageInput(new ImageInput.Settings(maxPixels, remoteImages,
                allowedHosts.orElse(List.of()).stream().map(String::toLowerCase).toList(), remoteMaxBytes, Duration.ofSeconds(10)));
        new RequestMapper.Limits(maxTokens, maxN, defaultMaxTokens, maxImages);         // a bad max-per-request fails the start
    }

    private RequestMapper mapper(ServingEngine engine) {
        return new RequestMapper(new RequestMapper.Limits(maxTokens, maxN, defaultMaxTokens, maxImages), images,
                engine.modelId(), engine.acceptsImages());
    }

    @GET
    @Path("/models")
    @Blocking
    public Response models() {
        ServingEngine engine = engines.ready();
        long v = engine.policyVersion();
        return Response.ok(new ApiResponses.ModelList("list", List.of(new ApiResponses.ModelCard(engine.modelId(), "model", 0, "ares",
                null, new ApiResponses.AresInfo(v))))).header(Exchange.POLICY_HEADER, v).build();
    }

    @POST
    @Path("/completions")
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Blocking
    public Uni<Response> completions(ApiTypes.CompletionRequest body, @Context HttpServerResponse http) {
        return answer("completions", body == null ? null : body.model(), false, "prompt", e -> mapper(e).completion(body), http);
    }

    @POST
    @Path("/chat/completions")
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Blocking
    public Uni<Response> chat(ApiTypes.ChatRequest body, @Context HttpServerResponse http) {
        return answer("chat", body == null ? null : body.model(), true, "messages", e -> mapper(e).chat(body), http);
    }

    private Uni<Response> answer(String endpoint, String model, boolean chat, String promptParam,
                                 java.util.function.Function<ServingEngine, RequestMapper.Parsed> parse, HttpServerResponse http) {
        RequestMapper.Parsed parsed;
        ServingEngine engine;
        try {
            engine = engines.ready();
            if (model != null && !model.equals(engine.modelId())) {
                metrics.request(endpoint, 404);
                return Uni.createFrom().item(OpenAiError.modelNotFound(model));
            }
            parsed = parse.apply(engine);
        } catch (RuntimeException e) {
            metrics.request(endpoint, ErrorMappers.toResponse(e).getStatus());
            throw e;
        }
        Answer a = new Answer(chat, parsed, engine.modelId(), new Answer.Hwe(hweThreshold, hweWindow));
        AtomicReference<Exchange> exchange = new AtomicReference<>();
        return Uni.createFrom().<Response>emitter(em -> {
            Exchange x = new Exchange(a, parsed, em, json, metrics, endpoint, http);
            exchange.set(x);
            try {
                x.bind(engine.submit(parsed.request(), x));
            } catch (ContextLengthExceededException e) {
                metrics.request(endpoint, 400);
                em.fail(new BadRequestException(400, promptParam, "context_length_exceeded", e.getMessage()));
            } catch (RuntimeException e) {
                metrics.request(endpoint, ErrorMappers.toResponse(e).getStatus());
                em.fail(e);
            }
        }).onCancellation().invoke(() -> {
            Exchange x = exchange.get();
            if (x != null) {
                x.cancel();                                   // the client left while the request was queued or running
            }
        }).emitOn(Infrastructure.getDefaultWorkerPool());
    }
}
