package dev.ares.core.compute;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The compute step of inference-service (architecture.md §7): completes prompts with the model it serves and
 * swaps to a newer checkpoint without failing requests in flight.
 */
public interface ServingEngine {

    /** The id the served model is listed under in {@code /v1/models}. */
    String modelId();

    /** The policy version served now (0 for a model loaded from a folder rather than a checkpoint). */
    long policyVersion();

    /**
     * Completes one request.
     *
     * @throws IllegalArgumentException for input the model cannot serve (the message is shown to the client)
     * @throws IllegalStateException    when no model is loaded
     */
    Completion complete(Request request);

    /**
     * Starts a request on the shared model and reports its progress to {@code listener} as tokens are produced
     * (streaming). The listener is called on the engine's thread and must not block. Exactly one of
     * {@link GenerationListener#onComplete} or {@link GenerationListener#onError} ends the events; errors are an
     * {@link IllegalArgumentException} (bad input), an {@link IllegalStateException} (no model) or a
     * {@link ServingRejectedException} (over the queue limits).
     *
     * <p>This default runs {@link #complete} on the caller's thread and replays its result as events (an engine
     * without a scheduler); engines with continuous batching override it.
     *
     * @return a handle whose {@link Generation#cancel()} stops the request within one decode step
     * @throws IllegalArgumentException  for input refused before the request is queued
     * @throws ServingRejectedException  when the queue is full
     */
    default Generation submit(Request request, GenerationListener listener) {
        Completion c = complete(request);
        listener.onStart(new Started(c.promptIds(), c.policyVersion(), false));
        for (int i = 0; i < c.choices().size(); i++) {
            Choice ch = c.choices().get(i);
            for (int t = 0; t < ch.tokenIds().length; t++) {
                TokenLogprob token = t < ch.tokens().size() ? ch.tokens().get(t)
                        : new TokenLogprob(ch.tokenIds()[t], "", ch.logprobs()[t]);
                List<TokenLogprob> top = t < ch.topLogprobs().size() ? ch.topLogprobs().get(t) : List.of();
                listener.onToken(i, new TokenEvent(token, top, t == 0 ? ch.text() : ""));
            }
            listener.onChoiceFinished(i, ch);
        }
        listener.onComplete(c);
        return () -> { };
    }

    /**
     * Completes one request through {@link #submit} and waits for it.
     *
     * @throws IllegalArgumentException, IllegalStateException, ServingRejectedException as {@link #submit}
     */
    static Completion await(ServingEngine engine, Request request) {
        CompletableFuture<Completion> done = new CompletableFuture<>();
        engine.submit(request, new GenerationListener() {
            @Override
            public void onComplete(Completion c) {
                done.complete(c);
            }

            @Override
            public void onError(RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the completion", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Requests waiting for a batch slot and sequences (choices) running in the batch now. */
    default Load load() {
        return new Load(0, 0, 0, 0, 0);
    }

    /**
     * Whether the served model takes images ({@link Request#images()}); a request with images to an engine that
     * answers false is refused by the caller with a 400 that says so. This default: false (text-only).
     */
    default boolean acceptsImages() {
        return false;
    }

    /** Loads and verifies the checkpoint beside the current model, then switches; older versions are ignored. */
    void onCheckpoint(CheckpointEvent event);

    /** Ready when a model is loaded. */
    Readiness readiness();

    /**
     * A completion request: either chat {@code messages} (rendered by the model's chat template) or a raw
     * {@code promptText}, or {@code promptIds}; exactly one is set.
     *
     * @param n           number of choices, at least 1
     * @param topLogprobs alternatives per token to return, 0 for none
     * @param logprobs    whether each choice reports its tokens' texts and log-probabilities ({@link Choice#tokens()})
     * @param images      the request's images in prompt order (empty for text); see {@link ImagePart}
     */
    record Request(List<ChatMessage> messages, String promptText, int[] promptIds, SamplingParams sampling,
                   int n, int topLogprobs, boolean logprobs, List<ImagePart> images) {
        /** A text-only request. */
        public Request(List<ChatMessage> messages, String promptText, int[] promptIds, SamplingParams sampling,
                       int n, int topLogprobs, boolean logprobs) {
            this(messages, promptText, promptIds, sampling, n, topLogprobs, logprobs, List.of());
        }

        /** A text-only request that asks for per-token log-probabilities exactly when {@code topLogprobs > 0}. */
        public Request(List<ChatMessage> messages, String promptText, int[] promptIds, SamplingParams sampling, int n,
                       int topLogprobs) {
            this(messages, promptText, promptIds, sampling, n, topLogprobs, topLogprobs > 0);
        }

        public Request {
            int set = (messages != null ? 1 : 0) + (promptText != null ? 1 : 0) + (promptIds != null ? 1 : 0);
            if (set != 1) {
                throw new IllegalArgumentException("exactly one of messages, prompt text or prompt ids must be given");
            }
            images = images == null ? List.of() : List.copyOf(images);
            int lastMessage = 0;
            int lastOffset = 0;
            for (int i = 0; i < images.size(); i++) {
                ImagePart im = images.get(i);
                if (messages == null) {
                    if (im.message() != 0 || im.offset() != 0) {
                        throw new IllegalArgumentException("image " + i + ": a prompt given as text or ids places its"
                                + " images by their image-pad runs, so message and offset must be 0");
                    }
                    continue;
                }
                if (im.message() >= messages.size()) {
                    throw new IllegalArgumentException("image " + i + " names message " + im.message() + " of "
                            + messages.size());
                }
                if (im.offset() > messages.get(im.message()).content().length()) {
                    throw new IllegalArgumentException("image " + i + " stands at offset " + im.offset() + " of message "
                            + im.message() + ", whose content has " + messages.get(im.message()).content().length()
                            + " characters");
                }
                if (im.message() < lastMessage || (im.message() == lastMessage && im.offset() < lastOffset)) {
                    throw new IllegalArgumentException("image " + i + " comes before the image preceding it in the list;"
                            + " images must be listed in prompt order");
                }
                lastMessage = im.message();
                lastOffset = im.offset();
            }
            if (sampling == null) {
                throw new IllegalArgumentException("sampling parameters must be given");
            }
            if (n < 1) {
                throw new IllegalArgumentException("n must be at least 1, got " + n);
            }
            if (topLogprobs < 0) {
                throw new IllegalArgumentException("top_logprobs must be >= 0, got " + topLogprobs);
            }
        }
    }

    /**
     * One image of a request (an OpenAI {@code image_url} part, issue 8): where it stands in the chat and its encoded
     * bytes. For chat messages, the image part comes before character {@code offset} of message {@code message}'s
     * content (the text parts of a message are concatenated into its content, so image and text parts keep their
     * order); for a prompt given as text or ids both are 0 and the images fill the prompt's image-pad runs in list
     * order.
     *
     * @param message index into {@link Request#messages()}, {@code >= 0}
     * @param offset  character offset into that message's content, {@code >= 0}
     * @param bytes   the encoded image (PNG, JPEG, GIF, BMP), non-empty
     */
    record ImagePart(int message, int offset, byte[] bytes) {
        public ImagePart {
            if (message < 0 || offset < 0) {
                throw new IllegalArgumentException("image message and offset must be >= 0, got " + message + ", " + offset);
            }
            if (bytes == null || bytes.length == 0) {
                throw new IllegalArgumentException("image bytes must be non-empty");
            }
        }
    }

    /**
     * The result of a request.
     *
     * @param promptIds     the prompt as token ids
     * @param choices       one per requested sample
     * @param policyVersion the version that generated it
     */
    record Completion(int[] promptIds, List<Choice> choices, long policyVersion) {
    }

    /**
     * One generated sequence.
     *
     * @param text         decoded text of the generated tokens
     * @param tokenIds     generated ids
     * @param logprobs     logprob of each generated token under the distribution sampled from
     * @param entropies    exact entropy of each step's full distribution (nats)
     * @param triggers     whether each generated token is a reasoning trigger of the model's trigger table
     * @param thinkTokens  generated tokens up to and including {@code </think>} (all of them when the response
     *                     never closed its reasoning, 0 without reasoning)
     * @param finishReason "stop" or "length"
     */
    record Choice(String text, int[] tokenIds, float[] logprobs, float[] entropies, boolean[] triggers, int thinkTokens,
                  String finishReason, List<TokenLogprob> tokens, List<List<TokenLogprob>> topLogprobs) {
        public Choice {
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
            topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
        }

        /** A choice without per-token texts and alternatives. */
        public Choice(String text, int[] tokenIds, float[] logprobs, float[] entropies, boolean[] triggers,
                      int thinkTokens, String finishReason) {
            this(text, tokenIds, logprobs, entropies, triggers, thinkTokens, finishReason, List.of(), List.of());
        }
    }

    /**
     * A token with its text and its log-probability under the model's untruncated distribution at temperature 1
     * (what OpenAI's and vLLM's {@code logprobs} report).
     *
     * @param text the token decoded alone (a partial UTF-8 sequence decodes to U+FFFD)
     */
    record TokenLogprob(int id, String text, float logprob) {
    }

    /**
     * What a request's {@link GenerationListener} learns when it is admitted to the batch.
     *
     * @param promptIds     the prompt as token ids
     * @param policyVersion the version that serves it
     * @param reasoningOpen true when the prompt ends inside an open {@code <think>} (the response starts as reasoning)
     */
    record Started(int[] promptIds, long policyVersion, boolean reasoningOpen) {
    }

    /**
     * One generated token of one choice.
     *
     * @param token     the token and its model log-probability
     * @param top       the most likely alternatives at its position (empty unless asked)
     * @param textDelta text that became final with this token (may be empty: an incomplete UTF-8 sequence or a
     *                  possible start of a stop string is held back); the deltas of a choice concatenate to its
     *                  {@link Choice#text()}
     */
    record TokenEvent(TokenLogprob token, List<TokenLogprob> top, String textDelta) {
    }

    /**
     * Queue and batch occupancy.
     *
     * @param waiting  requests queued for a batch slot
     * @param running  sequences (choices) in the running batch
     * @param admitted  requests that reached the model since start (a rejected request never counts)
     * @param generated tokens the model generated since start (counted at the decode loop, before any listener)
     * @param discarded tokens sampled for a request that had already been cancelled (at most one decode step's worth
     *                  per cancellation: reliability.md scenario 13)
     */
    record Load(int waiting, int running, long admitted, long generated, long discarded) {
    }

    /** Events of one request, delivered in order on the engine's thread. */
    interface GenerationListener {
        /** The request joined the batch. */
        default void onStart(Started started) {
        }

        /** Choice {@code choice} produced a token. */
        default void onToken(int choice, TokenEvent event) {
        }

        /** Choice {@code choice} ended; a final text delta is {@code choice.text()} past the deltas sent so far. */
        default void onChoiceFinished(int choice, Choice result) {
        }

        /** All choices ended. */
        void onComplete(Completion completion);

        /** The request failed or was rejected; no further events follow. */
        void onError(RuntimeException error);
    }

    /** A running request. */
    interface Generation {
        /** Stops the request (idempotent): it leaves the batch within one decode step and no more events follow. */
        void cancel();
    }
}
