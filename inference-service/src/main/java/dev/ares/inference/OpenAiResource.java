package dev.ares.inference;

import dev.ares.core.aepo.ResponseStats;
import dev.ares.core.aepo.Windows;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.verify.ReasoningSplit;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.smallrye.common.annotation.Blocking;

/**
 * The OpenAI-compatible endpoints (architecture.md §7): {@code GET /v1/models}, {@code POST /v1/completions},
 * {@code POST /v1/chat/completions}. A request naming another model than the served one gets 404
 * {@code model_not_found}, as vLLM answers.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
public class OpenAiResource {

    @Inject
    EngineReadiness engines;

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

    private RequestMapper mapper() {
        return new RequestMapper(new RequestMapper.Limits(maxTokens, maxN, defaultMaxTokens));
    }

    @GET
    @Path("/models")
    public ApiTypes.ModelList models() {
        ServingEngine engine = engines.ready();
        return new ApiTypes.ModelList("list", List.of(new ApiTypes.ModelCard(engine.modelId(), "model", 0, "ares")));
    }

    @POST
    @Path("/completions")
    public Response completions(ApiTypes.CompletionRequest body) {
        ServingEngine engine = engines.ready();
        Response wrong = checkModel(engine, body == null ? null : body.model());
        if (wrong != null) {
            return wrong;
        }
        ServingEngine.Completion c = engine.complete(mapper().completion(body));
        boolean ids = Boolean.TRUE.equals(body.returnTokenIds());
        List<ApiTypes.CompletionChoice> choices = new ArrayList<>();
        int out = 0;
        for (int i = 0; i < c.choices().size(); i++) {
            ServingEngine.Choice ch = c.choices().get(i);
            out += ch.tokenIds().length;
            choices.add(new ApiTypes.CompletionChoice(i, ch.text(), ch.finishReason(), ids ? ch.tokenIds() : null, aresInfo(ch)));
        }
        return Response.ok(new ApiTypes.CompletionResponse("cmpl-" + UUID.randomUUID(), "text_completion",
                System.currentTimeMillis() / 1000, engine.modelId(), choices,
                new ApiTypes.Usage(c.promptIds().length, out, c.promptIds().length + out),
                ids ? c.promptIds() : null, new ApiTypes.AresInfo(c.policyVersion()))).build();
    }

    @POST
    @Path("/chat/completions")
    public Response chat(ApiTypes.ChatRequest body) {
        ServingEngine engine = engines.ready();
        Response wrong = checkModel(engine, body == null ? null : body.model());
        if (wrong != null) {
            return wrong;
        }
        ServingEngine.Completion c = engine.complete(mapper().chat(body));
        boolean ids = Boolean.TRUE.equals(body.returnTokenIds());
        List<ApiTypes.ChatChoice> choices = new ArrayList<>();
        int out = 0;
        for (int i = 0; i < c.choices().size(); i++) {
            ServingEngine.Choice ch = c.choices().get(i);
            out += ch.tokenIds().length;
            ReasoningSplit split = ReasoningSplit.of(ch.text());
            choices.add(new ApiTypes.ChatChoice(i, new ApiTypes.ChatMessageOut("assistant", split.content(), split.reasoning()),
                    ch.finishReason(), ids ? ch.tokenIds() : null, aresInfo(ch)));
        }
        return Response.ok(new ApiTypes.ChatResponse("chatcmpl-" + UUID.randomUUID(), "chat.completion",
                System.currentTimeMillis() / 1000, engine.modelId(), choices,
                new ApiTypes.Usage(c.promptIds().length, out, c.promptIds().length + out),
                ids ? c.promptIds() : null, new ApiTypes.AresInfo(c.policyVersion()))).build();
    }

    private ApiTypes.AresChoiceInfo aresInfo(ServingEngine.Choice ch) {
        ResponseStats s = ResponseStats.of(ch.entropies(), ch.triggers(), hweWindow, Windows.Mode.FORWARD_EXCLUSIVE, hweThreshold);
        return new ApiTypes.AresChoiceInfo(ch.thinkTokens(), s.hweCount(), s.meanEntropy());
    }

    private static Response checkModel(ServingEngine engine, String model) {
        if (model != null && !model.equals(engine.modelId())) {
            return OpenAiError.modelNotFound(model);
        }
        return null;
    }
}
