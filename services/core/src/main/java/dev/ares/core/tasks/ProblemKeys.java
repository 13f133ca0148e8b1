package dev.ares.core.tasks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Content keys and seeds. The content key is SHA-256 over family, level, prompt, answer and image bytes, so two
 * generations of the same problem (from different seeds) share id and split.
 */
public final class ProblemKeys {

    private ProblemKeys() {
    }

    /** SHA-256 of the problem content: UTF-8 of {@code family \0 level \0 prompt \0 answer \0} then the image bytes. */
    public static byte[] contentHash(String family, int level, String prompt, String answer, byte[] image) {
        MessageDigest md = sha256();
        md.update((family + '\0' + level + '\0' + prompt + '\0' + answer + '\0').getBytes(StandardCharsets.UTF_8));
        if (image != null) {
            md.update(image);
        }
        return md.digest();
    }

    /** Builds a {@link Problem} whose id is derived from its content (see {@link #contentHash}). */
    public static Problem problem(String family, int level, String prompt, String answer, byte[] png, double prior) {
        String id = id(family, level, contentHash(family, level, prompt, answer, png));
        return new Problem(id, family, level, prompt, answer, png, png == null ? null : "image/png", prior);
    }

    /**
     * Expected pass rate {@code base · 0.96^extraSteps}, clamped to [0.02, 0.98] and rounded to 4 decimals: each extra
     * carry, borrow, rewrite or item beyond the simplest problem of the level costs 4%.
     */
    public static double prior(double base, int extraSteps) {
        double p = Math.max(0.02, Math.min(0.98, base * Math.pow(0.96, Math.max(0, extraSteps))));
        return Math.round(p * 10_000) / 10_000.0;
    }

    /** Id {@code family-L<level>-<first 12 hex digits of the content hash>}. */
    public static String id(String family, int level, byte[] contentHash) {
        return family + "-L" + level + "-" + HexFormat.of().formatHex(contentHash, 0, 6);
    }

    /**
     * A random generator for (family, level, seed): the three are mixed with the SplitMix64 finalizer so neighbouring
     * seeds, levels and families give unrelated streams. {@link SplittableRandom} is specified, so streams are stable
     * across JVMs.
     */
    public static SplittableRandom random(String family, int level, long seed) {
        long h = 0x9E3779B97F4A7C15L;
        for (byte b : family.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        return new SplittableRandom(mix(h ^ mix(level * 0xBF58476D1CE4E5B9L ^ seed)));
    }

    /** SplitMix64 finalizer (Steele, Lea, Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
