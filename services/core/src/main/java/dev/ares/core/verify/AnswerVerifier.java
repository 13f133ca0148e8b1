package dev.ares.core.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a predicted answer is equivalent to a reference answer (spec §10 "Accuracy"; the official code
 * uses mathruler's {@code grade_answer}). Order of checks: identical text; multiple-choice letters; canonical
 * forms ({@link LatexNormalizer}); structures (tuples, intervals — bracket types must agree —, sets and bare lists,
 * unordered); equations (side by side, or lhs − rhs); two written-out decimals exactly; other numbers with a relative
 * tolerance of 1e−6 (plus 1e−12 absolute) (percent answers also match their fraction);
 * symbolic equality by evaluating both sides at 6 fixed pseudo-random points of their variables; word answers by
 * their letters and digits. Stateless and thread-safe.
 */
public final class AnswerVerifier {
    /** Relative tolerance of numeric comparisons: |a − b| ≤ 1e−6·max(|a|, |b|) + 1e−12. */
    public static final double TOLERANCE = 1e-6;
    private static final int POINTS = 6;
    private static final Pattern WORDY = Pattern.compile("[\\p{L}\\p{Nd}'.\\-]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern CHOICE_REF = Pattern.compile("^\\(?([A-J])\\)?[.:]?$");
    private static final Pattern CHOICE_PRED = Pattern.compile("^\\(?([A-Ja-j])\\)?(?:[.:)]\\s*.*|\\s+.*)?$",
            Pattern.DOTALL);
    private static final Pattern ASSIGNMENT = Pattern.compile("^[a-zA-Z](?:_[0-9a-zA-Z]+)?(?:\\([a-z]\\))?=(.+)$");
    private static final Pattern MEMBERSHIP = Pattern.compile("^[a-zA-Z](?:_[0-9a-zA-Z]+)?∈(.+)$");

    private AnswerVerifier() {
    }

    /**
     * Grades a full model response: extracts the last boxed answer and compares it with the reference.
     *
     * @param response the model response
     * @param reference the reference answer (LaTeX or plain)
     * @return the verdict; {@code missing} when the response has no boxed answer
     */
    public static Verdict grade(String response, String reference) {
        Optional<String> boxed = BoxedAnswer.extractLast(response);
        return boxed.map(b -> verify(b, reference)).orElse(new Verdict(false, "missing"));
    }

    /**
     * @param prediction extracted predicted answer
     * @param reference reference answer
     * @return the verdict
     */
    public static Verdict verify(String prediction, String reference) {
        if (prediction == null || prediction.isBlank() || reference == null || reference.isBlank()) {
            return new Verdict(false, "missing");
        }
        String p = prediction.strip();
        String r = reference.strip();
        if (p.equals(r)) {
            return new Verdict(true, "string");
        }
        String rText = textOf(r);
        Matcher rc = CHOICE_REF.matcher(rText);
        if (rc.matches()) {
            Matcher pc = CHOICE_PRED.matcher(textOf(p));
            boolean ok = pc.matches() && pc.group(1).equalsIgnoreCase(rc.group(1));
            return new Verdict(ok, "choice");
        }
        String cp = LatexNormalizer.normalize(p);
        String cr = LatexNormalizer.normalize(r);
        if (cp.isEmpty() || cr.isEmpty()) {
            return new Verdict(false, "missing");
        }
        if (cp.equals(cr)) {
            return new Verdict(true, "string");
        }
        return equivalent(expandPlusMinus(cp), expandPlusMinus(cr));
    }

    private static String textOf(String s) {
        String t = s.strip();
        if (t.startsWith("$") && t.endsWith("$") && t.length() >= 2) {
            t = t.substring(1, t.length() - 1).strip();
        }
        Matcher m = Pattern.compile("^\\\\(?:text|textbf|mathrm|mathbf)\\{(.*)\\}$").matcher(t);
        return m.matches() ? m.group(1).strip() : t;
    }

    /** Equivalence of two canonical forms. */
    static Verdict equivalent(String a, String b) {
        Matcher ma = MEMBERSHIP.matcher(a);
        Matcher mb = MEMBERSHIP.matcher(b);
        if (ma.matches() || mb.matches()) {
            return equivalent(ma.matches() ? ma.group(1) : a, mb.matches() ? mb.group(1) : b);
        }
        Structure sa = Structure.parse(a);
        Structure sb = Structure.parse(b);
        if (sa != null || sb != null) {
            if (sa == null || sb == null) {
                return new Verdict(false, "structure");
            }
            return new Verdict(sa.matches(sb), "structure");
        }
        int eqA = topLevelIndex(a, '=');
        int eqB = topLevelIndex(b, '=');
        if (eqA >= 0 && eqB >= 0) {
            boolean same = equivalent(a.substring(0, eqA), b.substring(0, eqB)).correct()
                    && equivalent(a.substring(eqA + 1), b.substring(eqB + 1)).correct();
            if (!same) {
                // y = 2x + 1 written as 2x + 1 = y, or both sides moved: compare lhs − rhs
                same = scalar("(" + a.substring(0, eqA) + ")-(" + a.substring(eqA + 1) + ")",
                        "(" + b.substring(0, eqB) + ")-(" + b.substring(eqB + 1) + ")").correct()
                        || scalar("(" + a.substring(0, eqA) + ")-(" + a.substring(eqA + 1) + ")",
                        "(" + b.substring(eqB + 1) + ")-(" + b.substring(0, eqB) + ")").correct();
            }
            return new Verdict(same, "equation");
        }
        if (eqA >= 0 || eqB >= 0) {
            String x = eqA >= 0 ? a : b;
            Matcher m = ASSIGNMENT.matcher(x);
            if (!m.matches()) {
                return new Verdict(false, "equation");
            }
            return eqA >= 0 ? equivalent(m.group(1), b) : equivalent(a, m.group(1));
        }
        return scalar(a, b);
    }

    /** Numeric, symbolic or word comparison of two structure-free canonical forms. */
    static Verdict scalar(String a, String b) {
        if (a.equals(b)) {
            return new Verdict(true, "string");
        }
        boolean pctA = a.endsWith("%");
        boolean pctB = b.endsWith("%");
        String xa = pctA ? a.substring(0, a.length() - 1) : a;
        String xb = pctB ? b.substring(0, b.length() - 1) : b;
        if (isInfinity(xa) || isInfinity(xb)) {
            return new Verdict(infinitySign(xa) != 0 && infinitySign(xa) == infinitySign(xb), "infinity");
        }
        if (DECIMAL.matcher(xa).matches() && DECIMAL.matcher(xb).matches()) {
            // two written-out numbers compare exactly: 28767830 is not 28767840, 2.50 is 2.5
            BigDecimal da = new BigDecimal(xa);
            BigDecimal db = new BigDecimal(xb);
            boolean ok = da.compareTo(db) == 0 || (pctA && !pctB && da.movePointLeft(2).compareTo(db) == 0)
                    || (pctB && !pctA && da.compareTo(db.movePointLeft(2)) == 0);
            return new Verdict(ok, "numeric");
        }
        Optional<MathExpression> ea = MathExpression.parse(xa);
        Optional<MathExpression> eb = MathExpression.parse(xb);
        if (ea.isEmpty() || eb.isEmpty()) {
            // word answers compare by letters and digits; anything with relations or operators must match exactly
            if (!WORDY.matcher(a).matches() || !WORDY.matcher(b).matches()) {
                return new Verdict(false, "text");
            }
            String ta = LatexNormalizer.textForm(a);
            return new Verdict(!ta.isEmpty() && ta.equals(LatexNormalizer.textForm(b)), "text");
        }
        MathExpression ma = ea.get();
        MathExpression mb = eb.get();
        if (ma.variables().isEmpty() && mb.variables().isEmpty()) {
            double va = ma.evaluate(Map.of());
            double vb = mb.evaluate(Map.of());
            boolean ok = close(va, vb) || (pctA && !pctB && close(va / 100.0, vb))
                    || (pctB && !pctA && close(va, vb / 100.0));
            return new Verdict(ok, "numeric");
        }
        if (pctA != pctB) {
            return new Verdict(false, "symbolic");
        }
        TreeSet<String> vars = new TreeSet<>(ma.variables());
        vars.addAll(mb.variables());
        SplittableRandom rnd = new SplittableRandom(0xA2E5L);
        int compared = 0;
        for (int k = 0; k < POINTS * 3 && compared < POINTS; k++) {
            Map<String, Double> point = new HashMap<>();
            for (String v : vars) {
                point.put(v, 0.35 + 2.2 * rnd.nextDouble());
            }
            double va = ma.evaluate(point);
            double vb = mb.evaluate(point);
            if (Double.isNaN(va) && Double.isNaN(vb)) {
                continue;
            }
            if (!close(va, vb)) {
                return new Verdict(false, "symbolic");
            }
            compared++;
        }
        return new Verdict(compared >= 2, "symbolic");
    }

    static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) {
            return false;
        }
        return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
    }

    private static boolean isInfinity(String s) {
        return infinitySign(s) != 0;
    }

    private static int infinitySign(String s) {
        return switch (s) {
            case "oo", "+oo", "inf", "infinity", "+inf" -> 1;
            case "-oo", "-inf", "-infinity" -> -1;
            default -> 0;
        };
    }

    /** {@code a±b} (one top-level ±, no other structure) → the list {@code a+b,a-b}. */
    static String expandPlusMinus(String s) {
        int at = topLevelIndex(s, '±');
        if (at < 0 || s.indexOf('±', at + 1) >= 0 || splitTopLevel(s).size() > 1) {
            return s;
        }
        String head = s.substring(0, at);
        String tail = s.substring(at + 1);
        return head + "+" + tail + "," + head + "-" + tail;
    }

    /** Index of {@code c} outside parentheses, brackets and braces, or −1 (first occurrence). */
    static int topLevelIndex(String s, char c) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '(' || x == '[' || x == '{') {
                depth++;
            } else if (x == ')' || x == ']' || x == '}') {
                depth--;
            } else if (x == c && depth == 0) {
                if (c == '=' && i > 0 && "<>!".indexOf(s.charAt(i - 1)) >= 0) {
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    /** Splits on top-level commas. */
    static List<String> splitTopLevel(String s) {
        return splitTopLevel(s, i -> s.charAt(i) == ',');
    }

    /**
     * Splits {@code s} at the indices {@code separatorAt} accepts that lie outside every (), [] and {} pair;
     * the separator character itself is dropped.
     */
    static List<String> splitTopLevel(String s, java.util.function.IntPredicate separatorAt) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '(' || x == '[' || x == '{') {
                depth++;
            } else if (x == ')' || x == ']' || x == '}') {
                depth--;
            } else if (depth == 0 && separatorAt.test(i)) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }
}
