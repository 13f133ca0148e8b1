package dev.ares.core.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * A composite answer in canonical form: a tuple or interval {@code (a,b]} (ordered; bracket types must agree), a
 * set {@code {a,b}} or a bare comma list {@code a,b} (unordered, multiset), or a union of intervals
 * {@code (…)U(…)} (unordered). Elements are compared with {@link AnswerVerifier#equivalent(String, String)}.
 *
 * @param kind the shape
 * @param open opening bracket ({@code ( [ {} or space for lists and unions)
 * @param close closing bracket
 * @param elements canonical element strings
 */
record Structure(Kind kind, char open, char close, List<String> elements) {

    enum Kind { ORDERED, SET, LIST, UNION }

    /** @return the structure of a canonical string, or null for a scalar */
    static Structure parse(String s) {
        List<String> union = splitUnion(s);
        if (union.size() > 1) {
            return new Structure(Kind.UNION, ' ', ' ', union);
        }
        List<String> top = AnswerVerifier.splitTopLevel(s);
        if (top.size() > 1) {
            return new Structure(Kind.LIST, ' ', ' ', top);
        }
        if (s.length() >= 2) {
            char o = s.charAt(0);
            char c = s.charAt(s.length() - 1);
            boolean wrapped = enclosesAll(s);
            if (wrapped && o == '{' && c == '}') {
                String inner = s.substring(1, s.length() - 1);
                return new Structure(Kind.SET, '{', '}', inner.isEmpty() ? List.of()
                        : AnswerVerifier.splitTopLevel(inner));
            }
            if (wrapped && (o == '(' || o == '[') && (c == ')' || c == ']')) {
                List<String> inner = AnswerVerifier.splitTopLevel(s.substring(1, s.length() - 1));
                if (inner.size() > 1) {
                    return new Structure(Kind.ORDERED, o, c, inner);
                }
            }
        }
        return null;
    }

    /** True when the first bracket closes at the last character. */
    private static boolean enclosesAll(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '(' || x == '[' || x == '{') {
                depth++;
            } else if (x == ')' || x == ']' || x == '}') {
                depth--;
                if (depth == 0 && i < s.length() - 1) {
                    return false;
                }
            }
        }
        return depth == 0;
    }

    /** Splits on top-level unions: {@code ∪}, or a {@code U} between a closing and an opening bracket. */
    private static List<String> splitUnion(String s) {
        return AnswerVerifier.splitTopLevel(s, i -> s.charAt(i) == '∪' || s.charAt(i) == 'U' && i > 0 && i + 1 < s.length()
                && (s.charAt(i - 1) == ')' || s.charAt(i - 1) == ']')
                && (s.charAt(i + 1) == '(' || s.charAt(i + 1) == '['));
    }

    /** Structural equivalence. */
    boolean matches(Structure other) {
        boolean unordered = kind == Kind.SET || kind == Kind.LIST || kind == Kind.UNION;
        boolean otherUnordered = other.kind == Kind.SET || other.kind == Kind.LIST || other.kind == Kind.UNION;
        if (kind == Kind.ORDERED || other.kind == Kind.ORDERED) {
            if (kind != other.kind || open != other.open || close != other.close) {
                return false;
            }
        } else if (kind == Kind.UNION || other.kind == Kind.UNION) {
            if (kind != other.kind) {
                return false;
            }
        }
        if (elements.size() != other.elements.size()) {
            return false;
        }
        if (!(unordered && otherUnordered)) {
            for (int i = 0; i < elements.size(); i++) {
                if (!AnswerVerifier.equivalent(elements.get(i), other.elements.get(i)).correct()) {
                    return false;
                }
            }
            return true;
        }
        boolean[] used = new boolean[other.elements.size()];
        for (String e : elements) {
            boolean found = false;
            for (int j = 0; j < used.length && !found; j++) {
                if (!used[j] && AnswerVerifier.equivalent(e, other.elements.get(j)).correct()) {
                    used[j] = true;
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
