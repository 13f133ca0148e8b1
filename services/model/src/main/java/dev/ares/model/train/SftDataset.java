package dev.ares.model.train;

import dev.ares.core.data.AdaCs;
import dev.ares.core.data.CsItem;
import dev.ares.core.data.CsSelection;
import dev.ares.core.data.PassRates;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.QwenTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Tokenised SFT examples in a fixed order, and the sources they come from: a curated JSONL file
 * ({@link SftJsonl}) or the built-in text curriculum curated on the fly with AdaCS (aepo-spec.md §9, prior
 * pass rates, as {@code ./ares curate --modality text} does).
 * Not thread-safe (it caches the current epoch's order).
 */
public final class SftDataset {
    private final List<SftExample> examples;
    private final int truncated;

    /**
     * @param examples  examples that fit the sequence limit, in source order (non-empty)
     * @param truncated records dropped because prompt plus response exceed the limit
     */
    public SftDataset(List<SftExample> examples, int truncated) {
        this.examples = List.copyOf(examples);
        this.truncated = truncated;
        if (this.examples.isEmpty()) {
            throw new IllegalArgumentException("SFT dataset is empty (" + truncated + " records longer than the "
                    + "sequence limit)");
        }
    }

    /** The examples in source order. */
    public List<SftExample> examples() {
        return examples;
    }

    /** Records left out because they exceed the sequence limit. */
    public int truncated() {
        return truncated;
    }

    /**
     * Tokenises records through a model's chat template: prompt = {@code template.render([user], true)}, completion
     * = the rest of {@code template.render([user, assistant], false)}, cut after the first end-of-turn id (so the
     * model learns to stop). Prompt and completion are encoded separately, exactly as generation sees them.
     *
     * @param eosIds    end-of-turn ids (e.g. {@code <|im_end|>}); a completion without one is an error
     * @param maxLength most tokens per example; longer ones are counted in {@link #truncated} and left out
     * @throws IllegalArgumentException when the template's rendering with the assistant turn does not start with
     *                                  its generation prompt, or a completion has no end-of-turn token
     */
    public static SftDataset tokenize(List<SftRecord> records, QwenTokenizer tokenizer, ChatTemplate template,
                                      Set<Integer> eosIds, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
        }
        List<SftExample> out = new ArrayList<>(records.size());
        int dropped = 0;
        for (SftRecord r : records) {
            List<ChatMessage> user = List.of(new ChatMessage("user", r.user()));
            String prompt = template.render(user, true);
            String full = template.render(List.of(user.get(0), new ChatMessage("assistant", r.response())), false);
            if (!full.startsWith(prompt)) {
                throw new IllegalArgumentException("chat template " + template.name() + " renders record " + r.id()
                        + " with its assistant turn in a way that does not start with the generation prompt");
            }
            int[] p = tokenizer.encode(prompt);
            int[] c = tokenizer.encode(full.substring(prompt.length()));
            int end = -1;
            for (int i = 0; i < c.length; i++) {
                if (eosIds.contains(c[i])) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw new IllegalArgumentException("record " + r.id() + ": the chat template " + template.name()
                        + " ends the assistant turn with no end-of-turn token " + eosIds);
            }
            int n = p.length + end + 1;
            if (n > maxLength || p.length == 0) {
                dropped++;
                continue;
            }
            int[] ids = new int[n];
            System.arraycopy(p, 0, ids, 0, p.length);
            System.arraycopy(c, 0, ids, p.length, end + 1);
            out.add(new SftExample(ids, p.length, r));
        }
        return new SftDataset(out, dropped);
    }

    /**
     * The text curriculum curated with AdaCS on the fly: {@code pool} training-split problems of every text family
     * and level (uniform), prior pass rates from k = 8, extreme anchors, lengths in {@code tokenizer} tokens, then
     * {@code n} adaptive selections (the same rows {@code ./ares curate --modality text} writes with these
     * arguments).
     */
    public static List<SftRecord> curriculumRecords(int n, int pool, long seed, PromptFormat format,
                                                    QwenTokenizer tokenizer) {
        List<Task> tasks = Curriculum.uniform(Modality.TEXT).take(Split.TRAIN, seed, pool);
        List<CsItem> items = AdaCs.poolFromTasks(tasks, PassRates.fromPriors(8), s -> tokenizer.encode(s).length);
        List<CsSelection> sel = AdaCs.select(items, n, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, seed);
        List<SftRecord> out = new ArrayList<>(sel.size());
        for (CsSelection s : sel) {
            Problem p = s.item().problem();
            out.add(new SftRecord(p.id(), s.item().source(), p.level(), format.userText(p), s.chosen().response()));
        }
        return out;
    }

    /**
     * SHA-256 (hex) over every example's prompt length and ids (and pixel values, for examples with images) in source
     * order: equal for the same data tokenised
     * the same way, so a resumed run can tell that it trains on what the interrupted one did.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4);
            for (SftExample e : examples) {
                md.update(buf.clear().putInt(e.promptLength()).array());
                md.update(buf.clear().putInt(e.length()).array());
                for (int id : e.ids()) {
                    md.update(buf.clear().putInt(id).array());
                }
                if (e.images() != null) {
                    float[] px = e.images().pixelValues();
                    java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate(px.length * Float.BYTES);
                    all.asFloatBuffer().put(px);
                    md.update(all);
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }

    /**
     * The example at global position {@code position} of the training stream: epoch {@code position / size()}
     * visits every example once in an order shuffled by {@code (seed, epoch)}, so any position can be recomputed
     * after a restart.
     */
    public SftExample at(long position, long seed) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        long epoch = position / size();
        return examples.get(permutation(epoch, seed)[(int) (position % size())]);
    }

    private long cachedEpoch = -1;
    private long cachedSeed;
    private int[] cachedOrder;

    private int[] permutation(long epoch, long seed) {
        if (epoch != cachedEpoch || seed != cachedSeed) {
            List<Integer> idx = new ArrayList<>(size());
            for (int i = 0; i < size(); i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, new java.util.Random(seed * 1_000_003L + epoch));
            cachedOrder = idx.stream().mapToInt(Integer::intValue).toArray();
            cachedEpoch = epoch;
            cachedSeed = seed;
        }
        return cachedOrder;
    }
}
