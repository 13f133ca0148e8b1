package dev.ares.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.compute.ServingEngine;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request in flight between the engine and the HTTP response. The engine's events (on its scheduler thread) go
 * into an {@link Answer}; a non-streaming request completes its {@link UniEmitter} with the whole body, a streaming
 * one completes it at admission with a {@code text/event-stream} response whose writer (on a worker thread) drains
 * the chunk queue as {@code data: {json}} events and ends with {@code data: [DONE]}. A failed write (the client went
 * away) cancels the generation, which then leaves the batch within one decode step.
 */
final class Exchange implements ServingEngine.GenerationListener {
    static final String POLICY_HEADER = "X-Ares-Policy-Version";
    private static final Object DONE = new Object();
    private static final System.Logger LOG = System.getLogger(Exchange.class.getName());

    private final Answer answer;
    private final boolean stream;
    private final boolean includeUsage;
    private final UniEmitter<? super Response> emitter;
    private final ObjectMapper json;
    private final InferenceMetrics metrics;
    private final String endpoint;
    private final long arrived = System.nanoTime();
    private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile ServingEngine.Generation generation;
    private final HttpServerResponse http;
    private long[] lastToken;
    private boolean firstSeen;
    private boolean admitted;

    Exchange(Answer answer, RequestMapper.Parsed parsed, UniEmitter<? super Response> emitter, ObjectMapper json,
             InferenceMetrics metrics, String endpoint, HttpServerResponse http) {
        this.http = http;
        this.answer = answer;
        this.stream = parsed.stream();
        this.includeUsage = parsed.includeUsage();
        this.emitter = emitter;
        this.json = json;
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.lastToken = new long[parsed.request().n()];
    }

    /** Binds the running generation; cancels it at once when the client already left. */
    void bind(ServingEngine.Generation g) {
        generation = g;
        if (cancelled.get()) {
            g.cancel();
        }
    }

    /** The client went away: stop generating. */
    void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            ServingEngine.Generation g = generation;
            if (g != null) {
                g.cancel();
            }
            metrics.request(endpoint, 499);
        }
    }

    @Override
    public void onStart(ServingEngine.Started started) {
        java.util.List<Object> opening = answer.start(started);
        admitted = true;
        if (stream) {
            chunks.addAll(opening);
            emitter.complete(Response.ok((StreamingOutput) this::write, "text/event-stream")
                    .header("Cache-Control", "no-cache").header(POLICY_HEADER, started.policyVersion()).build());
        }
    }

    @Override
    public void onToken(int choice, ServingEngine.TokenEvent event) {
        long now = System.nanoTime();
        if (!firstSeen) {
            firstSeen = true;
            metrics.firstToken(now - arrived);
        } else if (lastToken[choice] != 0) {
            metrics.interToken(now - lastToken[choice]);
        }
        lastToken[choice] = now;
        Object chunk = answer.token(choice, event);
        if (stream && chunk != null) {
            chunks.add(chunk);
        }
    }

    @Override
    public void onChoiceFinished(int choice, ServingEngine.Choice result) {
        Object chunk = answer.finish(choice, result);
        if (stream) {
            chunks.add(chunk);
        }
    }

    @Override
    public void onComplete(ServingEngine.Completion completion) {
        ApiResponses.Usage u = answer.usage();
        metrics.tokens(u.promptTokens(), u.completionTokens());
        metrics.request(endpoint, 200);
        if (stream) {
            if (includeUsage) {
                chunks.add(answer.usageChunk());
            }
            chunks.add(DONE);
        } else {
            emitter.complete(Response.ok(answer.response(completion)).header(POLICY_HEADER, completion.policyVersion()).build());
        }
    }

    @Override
    public void onError(RuntimeException error) {
        if (stream && admitted) {
            Response r = ErrorMappers.toResponse(error);
            chunks.add(r.getEntity());
            chunks.add(DONE);
            metrics.request(endpoint, r.getStatus());
        } else {
            metrics.request(endpoint, ErrorMappers.toResponse(error).getStatus());
            emitter.fail(error);
        }
    }

    private void write(OutputStream out) throws IOException {
        if (http != null) {
            http.closeHandler(v -> cancel());                 // the connection closed: cancel before the next decode step
        }
        try {
            while (true) {
                Object next = chunks.poll(30, TimeUnit.SECONDS);
                if (next == null) {
                    continue;
                }
                if (next == DONE) {
                    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return;
                }
                out.write("data: ".getBytes(StandardCharsets.UTF_8));
                out.write(json.writeValueAsBytes(next));
                out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client left a stream: " + e);
            cancel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
        }
    }
}
