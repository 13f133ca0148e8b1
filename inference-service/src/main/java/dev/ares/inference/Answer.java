package dev.ares.inference;

import dev.ares.core.aepo.ResponseStats;
import dev.ares.core.aepo.Windows;
import dev.ares.core.compute.ServingEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the answer of one request from the engine's events: the stream chunks as they come (chat
 * {@code chat.completion.chunk} or {@code text_completion}) and the whole response at the end. Streaming and
 * non-streaming answers are assembled by the same code from the same events, so the deltas of a stream concatenate
 * to the non-streaming {@code content}, {@code reasoning_content} and {@code text}.
 */
final class Answer {
    /** HWE statistics settings of the per-choice {@code ares} object (aepo-spec §2). */
    record Hwe(double threshold, int window) {
    }

    private final boolean chat;
    private final RequestMapper.Parsed parsed;
    private final String model;
    private final Hwe hwe;
    final String id;
    final long created = System.currentTimeMillis() / 1000;
    private final int n;
    private final ReasoningStream[] reasoning;
    private final StringBuilder[] text;
    private final List<List<ApiResponses.ChatTokenLogprob>> chatLogprobs = new ArrayList<>();
    private final List<CompletionLp> completionLogprobs = new ArrayList<>();
    private final ServingEngine.Choice[] finished;
    private ServingEngine.Started started;

    /** Parallel arrays of a completion choice's {@code logprobs}. */
    private record CompletionLp(List<String> tokens, List<Double> lps, List<Map<String, Double>> tops, List<Integer> offsets) {
    }

    Answer(boolean chat, RequestMapper.Parsed parsed, String model, Hwe hwe) {
        this.chat = chat;
        this.parsed = parsed;
        this.model = model;
        this.hwe = hwe;
        this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        this.n = parsed.request().n();
        this.reasoning = new ReasoningStream[n];
        this.text = new StringBuilder[n];
        this.finished = new ServingEngine.Choice[n];
        for (int i = 0; i < n; i++) {
            text[i] = new StringBuilder();
            chatLogprobs.add(new ArrayList<>());
            completionLogprobs.add(new CompletionLp(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
    }

    /** The request joined the batch; returns the opening chunks (the assistant role of each chat choice). */
    List<Object> start(ServingEngine.Started s) {
        this.started = s;
        for (int i = 0; i < n; i++) {
            reasoning[i] = new ReasoningStream(s.reasoningOpen());
        }
        List<Object> out = new ArrayList<>();
        if (chat) {
            for (int i = 0; i < n; i++) {
                out.add(chunk(List.of(new ApiResponses.ChatChunkChoice(i, new ApiResponses.ChatDelta("assistant", "", null),
                        null, null, null, null)), null, parsed.returnTokenIds() && i == 0 ? s.promptIds() : null));
            }
        }
        return out;
    }

    long policyVersion() {
        return started == null ? 0 : started.policyVersion();
    }

    /** One token of choice {@code i}; returns its chunk, or null when there is nothing to send yet. */
    Object token(int i, ServingEngine.TokenEvent e) {
        String raw = e.textDelta();
        if (chat) {
            ApiResponses.ChatLogprobs lp = null;
            if (parsed.logprobs()) {
                ApiResponses.ChatTokenLogprob entry = chatEntry(e);
                chatLogprobs.get(i).add(entry);
                lp = new ApiResponses.ChatLogprobs(List.of(entry));
            }
            text[i].append(raw);
            ReasoningStream.Delta d = reasoning[i].append(raw);
            if (d.isEmpty() && lp == null) {
                return null;
            }
            return chunk(List.of(new ApiResponses.ChatChunkChoice(i, delta(d), lp, null, null, null)), null, null);
        }
        ApiResponses.CompletionLogprobs lp = null;
        if (parsed.logprobs()) {
            CompletionLp acc = completionLogprobs.get(i);
            Map<String, Double> top = top(e);
            acc.tokens().add(e.token().text());
            acc.lps().add((double) e.token().logprob());
            acc.tops().add(top);
            acc.offsets().add(text[i].length());
            lp = new ApiResponses.CompletionLogprobs(List.of(e.token().text()), List.of((double) e.token().logprob()),
                    List.of(top), List.of(text[i].length()));
        }
        text[i].append(raw);
        if (raw.isEmpty() && lp == null) {
            return null;
        }
        return chunk(List.of(new ApiResponses.CompletionChunkChoice(i, raw, lp, null, null, null)), null, null);
    }

    /** Choice {@code i} ended; returns its last chunk (remaining text, finish reason, token ids, ares object). */
    Object finish(int i, ServingEngine.Choice c) {
        finished[i] = c;
        String rest = c.text().length() > text[i].length() && c.text().startsWith(text[i].toString())
                ? c.text().substring(text[i].length()) : "";
        text[i].append(rest);
        int[] ids = parsed.returnTokenIds() ? c.tokenIds() : null;
        if (chat) {
            ReasoningStream.Delta a = reasoning[i].append(rest);
            ReasoningStream.Delta b = reasoning[i].finish();
            ReasoningStream.Delta d = new ReasoningStream.Delta(a.reasoning() + b.reasoning(), a.content() + b.content());
            return chunk(List.of(new ApiResponses.ChatChunkChoice(i, delta(d), null, c.finishReason(), ids, ares(c))), null, null);
        }
        return chunk(List.of(new ApiResponses.CompletionChunkChoice(i, rest, null, c.finishReason(), ids, ares(c))), null, null);
    }

    /** The {@code include_usage} chunk: no choices, the usage. */
    Object usageChunk() {
        return chunk(List.of(), usage(), null);
    }

    /** The whole non-streaming response (after every choice finished). */
    Object response(ServingEngine.Completion c) {
        int[] prompt = parsed.returnTokenIds() ? c.promptIds() : null;
        ApiResponses.AresInfo info = new ApiResponses.AresInfo(c.policyVersion());
        if (chat) {
            List<ApiResponses.ChatChoice> choices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServingEngine.Choice ch = c.choices().get(i);
                ApiResponses.ChatLogprobs lp = parsed.logprobs() ? new ApiResponses.ChatLogprobs(chatLogprobs.get(i)) : null;
                choices.add(new ApiResponses.ChatChoice(i, new ApiResponses.ChatMessageOut("assistant", reasoning[i].content(),
                        reasoning[i].reasoning()), lp, ch.finishReason(), parsed.returnTokenIds() ? ch.tokenIds() : null, ares(ch)));
            }
            return new ApiResponses.ChatResponse(id, "chat.completion", created, model, choices, usage(), prompt, info);
        }
        List<ApiResponses.CompletionChoice> choices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServingEngine.Choice ch = c.choices().get(i);
            CompletionLp acc = completionLogprobs.get(i);
            ApiResponses.CompletionLogprobs lp = parsed.logprobs()
                    ? new ApiResponses.CompletionLogprobs(acc.tokens(), acc.lps(), acc.tops(), acc.offsets()) : null;
            choices.add(new ApiResponses.CompletionChoice(i, text[i].toString(), lp, ch.finishReason(),
                    parsed.returnTokenIds() ? ch.tokenIds() : null, ares(ch)));
        }
        return new ApiResponses.CompletionResponse(id, "text_completion", created, model, choices, usage(), prompt, info);
    }

    /** Prompt and generated tokens (generated: of the finished choices). */
    ApiResponses.Usage usage() {
        int prompt = started == null ? 0 : started.promptIds().length;
        int out = 0;
        for (ServingEngine.Choice c : finished) {
            out += c == null ? 0 : c.tokenIds().length;
        }
        return new ApiResponses.Usage(prompt, out, prompt + out);
    }

    private Object chunk(List<?> choices, ApiResponses.Usage usage, int[] promptIds) {
        return new ApiResponses.Chunk(id, chat ? "chat.completion.chunk" : "text_completion", created, model, choices, usage, promptIds);
    }

    private static ApiResponses.ChatDelta delta(ReasoningStream.Delta d) {
        return new ApiResponses.ChatDelta(null, d.content().isEmpty() ? null : d.content(),
                d.reasoning().isEmpty() ? null : d.reasoning());
    }

    private static ApiResponses.ChatTokenLogprob chatEntry(ServingEngine.TokenEvent e) {
        List<ApiResponses.TopLogprob> top = new ArrayList<>();
        for (ServingEngine.TokenLogprob t : e.top()) {
            top.add(new ApiResponses.TopLogprob(t.text(), t.logprob(), bytes(t.text())));
        }
        return new ApiResponses.ChatTokenLogprob(e.token().text(), e.token().logprob(), bytes(e.token().text()), top);
    }

    private static Map<String, Double> top(ServingEngine.TokenEvent e) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (ServingEngine.TokenLogprob t : e.top()) {
            m.putIfAbsent(t.text(), (double) t.logprob());
        }
        return m;
    }

    private static int[] bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    private ApiResponses.AresChoiceInfo ares(ServingEngine.Choice ch) {
        ResponseStats s = ResponseStats.of(ch.entropies(), ch.triggers(), hwe.window(), Windows.Mode.FORWARD_EXCLUSIVE, hwe.threshold());
        return new ApiResponses.AresChoiceInfo(ch.thinkTokens(), s.hweCount(), s.meanEntropy());
    }
}
