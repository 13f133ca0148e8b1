package dev.ares.core.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Trigger detection for one (tokenizer, word list) pair, built once (spec §14 {@code hwe_events}: "a
 * vocabulary→bool lookup table built once from the trigger word list"; architecture §5). Applied to the
 * <em>sampled</em> token ids (fixing bug B4).
 *
 * <p>Two views: {@link #isTrigger(int)} is the per-token table of the spec (a token that alone normalises to a
 * trigger word); {@link #flags(int[])} and {@link #matcher()} detect trigger <em>words</em> across sub-tokens
 * ({@link WordTriggerMatcher}), which is what rollouts and scoring use: with a small byte-level BPE such as the
 * demo tokenizer, "wait", "check" and "so" are split into pieces and the per-token table would never fire.
 */
public final class TriggerTable {
    /** Marks the word-level rule in the version id, so flags made under another rule are told apart. */
    private static final String RULE = "word-level-v1";

    private final boolean[] table;
    private final String[] texts;
    private final TriggerVocabulary words;
    private final String versionId;
    private final int triggerCount;

    private TriggerTable(boolean[] table, String[] texts, TriggerVocabulary words, String versionId,
                         int triggerCount) {
        this.table = table;
        this.texts = texts;
        this.words = words;
        this.versionId = versionId;
        this.triggerCount = triggerCount;
    }

    /**
     * Builds the table.
     *
     * @param decodedVocab token text by token id (the tokenizer's decoded vocabulary; null entries are unused ids)
     * @param words the trigger vocabulary
     * @return the table with its version id: {@code tt-} + the first 16 hex digits of SHA-256 over the sorted word
     *     list and the vocabulary strings in id order
     */
    public static TriggerTable build(String[] decodedVocab, TriggerVocabulary words) {
        boolean[] t = new boolean[decodedVocab.length];
        String[] texts = new String[decodedVocab.length];
        int count = 0;
        MessageDigest sha = sha256();
        sha.update(RULE.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        for (String w : words.words()) {
            sha.update(w.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        sha.update((byte) 0);
        byte[] len = new byte[4];
        for (int id = 0; id < decodedVocab.length; id++) {
            String tok = decodedVocab[id];
            byte[] b = tok == null ? new byte[0] : tok.getBytes(StandardCharsets.UTF_8);
            int n = tok == null ? -1 : b.length;
            len[0] = (byte) (n >>> 24);
            len[1] = (byte) (n >>> 16);
            len[2] = (byte) (n >>> 8);
            len[3] = (byte) n;
            sha.update(len);
            sha.update(b);
            if (tok != null && words.contains(TokenNormalizer.normalize(tok))) {
                t[id] = true;
                count++;
            }
            texts[id] = wordText(tok);
        }
        String version = "tt-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        return new TriggerTable(t, texts, words, version, count);
    }

    /** Token text with byte-level/SentencePiece space markers as spaces; null for special and empty tokens. */
    private static String wordText(String tok) {
        if (tok == null || tok.isEmpty()) {
            return null;
        }
        String s = tok.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            return null;
        }
        StringBuilder sb = new StringBuilder(tok.length());
        for (int i = 0; i < tok.length(); i++) {
            char c = tok.charAt(i);
            switch (c) {
                case '\u0120', '\u010A', '\u0109', '\u2581' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** @return the version id recorded with rollouts and scored batches */
    public String versionId() {
        return versionId;
    }

    /** @return the vocabulary size */
    public int size() {
        return table.length;
    }

    /** @return how many token ids are triggers */
    public int triggerCount() {
        return triggerCount;
    }

    /**
     * @param tokenId a token id
     * @return whether it is a trigger
     * @throws IndexOutOfBoundsException for an id outside the vocabulary (names the id and size)
     */
    public boolean isTrigger(int tokenId) {
        if (tokenId < 0 || tokenId >= table.length) {
            throw new IndexOutOfBoundsException("token id " + tokenId + " outside vocabulary of " + table.length);
        }
        return table[tokenId];
    }

    /**
     * Word-level trigger flags of a complete response ({@link WordTriggerMatcher}; the response end completes the
     * last word).
     *
     * @param tokenIds sampled token ids of a response, [L]
     * @return trigger flags [L]: true at the token holding the last character of each trigger word
     * @throws IndexOutOfBoundsException for an id outside the vocabulary (names the id and size)
     */
    public boolean[] flags(int[] tokenIds) {
        boolean[] out = new boolean[tokenIds.length];
        WordTriggerMatcher m = matcher();
        for (int i = 0; i < tokenIds.length; i++) {
            m.push(tokenIds[i], out, i);
        }
        m.finish(out);
        return out;
    }

    /** @return a new streaming matcher for one response, in the same rule as {@link #flags(int[])} */
    public WordTriggerMatcher matcher() {
        return new WordTriggerMatcher(this);
    }

    /** @return the trigger vocabulary the table was built from */
    public TriggerVocabulary words() {
        return words;
    }

    /** Token text for word matching, or null for special/unused ids (boundaries). */
    String text(int tokenId) {
        if (tokenId < 0 || tokenId >= texts.length) {
            throw new IndexOutOfBoundsException("token id " + tokenId + " outside vocabulary of " + texts.length);
        }
        return texts[tokenId];
    }

    /** @return a copy of the table [V] */
    public boolean[] toArray() {
        return table.clone();
    }
}
