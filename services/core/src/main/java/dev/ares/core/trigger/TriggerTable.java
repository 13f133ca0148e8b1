package dev.ares.core.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Per-token-id trigger flags, built once per (tokenizer, word list) pair (spec §14 {@code hwe_events}: "a
 * vocabulary→bool lookup table built once from the trigger word list"; architecture §5). Applied to the
 * <em>sampled</em> token ids (fixing bug B4).
 */
public final class TriggerTable {
    private final boolean[] table;
    private final String versionId;
    private final int triggerCount;

    private TriggerTable(boolean[] table, String versionId, int triggerCount) {
        this.table = table;
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
        int count = 0;
        MessageDigest sha = sha256();
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
        }
        String version = "tt-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        return new TriggerTable(t, version, count);
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
     * @param tokenIds sampled token ids of a response, [L]
     * @return trigger flags [L]
     */
    public boolean[] flags(int[] tokenIds) {
        boolean[] out = new boolean[tokenIds.length];
        for (int i = 0; i < tokenIds.length; i++) {
            out[i] = isTrigger(tokenIds[i]);
        }
        return out;
    }

    /** @return a copy of the table [V] */
    public boolean[] toArray() {
        return table.clone();
    }
}
