package dev.ares.core.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs every (prediction, reference, verdict) case of {@code verifier-corpus.tsv} through the verifier. */
class VerifierCorpusTest {

    @Test
    void corpusPasses() throws Exception {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int positives = 0;
        try (InputStream in = getClass().getResourceAsStream("/verifier-corpus.tsv")) {
            assertTrue(in != null, "verifier-corpus.tsv missing from test resources");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 3 || !(f[2].equals("1") || f[2].equals("0"))) {
                    throw new IllegalStateException("verifier-corpus.tsv line " + no + ": expected"
                            + " prediction<TAB>reference<TAB>0|1[<TAB>note], got: " + line);
                }
                boolean expected = f[2].equals("1");
                Verdict v = AnswerVerifier.verify(f[0], f[1]);
                cases++;
                positives += expected ? 1 : 0;
                if (v.correct() != expected) {
                    failures.add("line " + no + ": verify(" + f[0] + ", " + f[1] + ") = " + v + ", expected "
                            + expected + (f.length > 3 ? " (" + f[3] + ")" : ""));
                }
            }
        }
        System.out.println("verifier corpus: " + cases + " cases (" + positives + " equivalent, "
                + (cases - positives) + " not), " + failures.size() + " failures");
        assertTrue(cases >= 300, "the corpus must have at least 300 cases, has " + cases);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
