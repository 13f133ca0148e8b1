package dev.ares.core.trigger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set of reasoning-trigger words (spec §3.1 V_sem, §3.2 step 3; architecture §5). The project's own list ships
 * as the classpath resource {@value #DEFAULT_RESOURCE}; a file in the same format (one word per line, {@code #}
 * comments, blank lines ignored) can replace it. Words are stored normalised ({@link TokenNormalizer}).
 *
 * @param words the normalised words, sorted
 * @param source where the list came from (resource name or file path)
 */
public record TriggerVocabulary(Set<String> words, String source) {
    /** Classpath location of the project's default list. */
    public static final String DEFAULT_RESOURCE = "ares/trigger-words.txt";

    /** Copies the word set. */
    public TriggerVocabulary {
        words = Collections.unmodifiableSet(new TreeSet<>(words));
        if (words.isEmpty()) {
            throw new TriggerVocabularyException("trigger vocabulary from " + source + " is empty");
        }
    }

    /** @return the project's default list */
    public static TriggerVocabulary loadDefault() {
        try (InputStream in = TriggerVocabulary.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new TriggerVocabularyException("classpath resource " + DEFAULT_RESOURCE + " not found");
            }
            return parse(in, "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new TriggerVocabularyException("cannot read classpath:" + DEFAULT_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param file a word list file
     * @return its vocabulary
     * @throws TriggerVocabularyException when unreadable or malformed (with file and line)
     */
    public static TriggerVocabulary load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new TriggerVocabularyException("cannot read trigger word list " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param pathOrNull a configured path, or null/blank for the default list
     * @return the vocabulary
     */
    public static TriggerVocabulary resolve(String pathOrNull) {
        return pathOrNull == null || pathOrNull.isBlank() ? loadDefault() : load(Path.of(pathOrNull.strip()));
    }

    /** @param words words (normalised here) @param source description for messages */
    public static TriggerVocabulary of(Collection<String> words, String source) {
        TreeSet<String> set = new TreeSet<>();
        for (String w : words) {
            String n = TokenNormalizer.normalize(w);
            if (!n.isEmpty()) {
                set.add(n);
            }
        }
        return new TriggerVocabulary(set, source);
    }

    /** @return whether a normalised token text is a trigger word */
    public boolean contains(String normalizedToken) {
        return words.contains(normalizedToken);
    }

    private static TriggerVocabulary parse(InputStream in, String source) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        TreeSet<String> set = new TreeSet<>();
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            int hash = line.indexOf('#');
            String w = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (w.isEmpty()) {
                continue;
            }
            if (w.chars().anyMatch(Character::isWhitespace)) {
                throw new TriggerVocabularyException(source + ":" + no + ": one word per line expected, got '" + w
                        + "'");
            }
            String n = TokenNormalizer.normalize(w);
            if (n.isEmpty() || !n.equals(w.toLowerCase(java.util.Locale.ROOT))) {
                throw new TriggerVocabularyException(source + ":" + no + ": '" + w
                        + "' is not a plain word (letters/digits, inner apostrophe or hyphen)");
            }
            set.add(n);
        }
        return new TriggerVocabulary(set, source);
    }
}
