package dev.ares.core.verify;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rewrites a LaTeX or plain answer into a canonical plain form (spec §10, issue 4 item 4): {@code \frac a b},
 * {@code \dfrac}, {@code \tfrac} → {@code (a)/(b)}; {@code \sqrt[n]{x}} → {@code sqrt(x)} or {@code (x)^(1/(n))};
 * {@code \left}/{@code \right}, spacing commands, {@code $}, degrees and {@code \text{unit}} removed;
 * {@code \text{word}} → word; {@code \cdot}, {@code \times} → {@code *}; {@code \pi} → {@code pi};
 * {@code \infty} → {@code oo}; {@code \{ \}} → set braces {@code { }}; grouping braces → parentheses; thousands
 * separators removed from a lone number; whitespace removed. A trailing {@code %} is kept for the verifier.
 */
public final class LatexNormalizer {
    /** Words removed when they follow a number or appear in {@code \text{…}} (units and currency). */
    static final Set<String> UNITS = Set.of("cm", "mm", "m", "km", "in", "inch", "inches", "ft", "foot", "feet", "yd",
            "yard", "yards", "mi", "mile", "miles", "meter", "meters", "metre", "metres", "centimeter", "centimeters",
            "kilometer", "kilometers", "g", "kg", "gram", "grams", "kilogram", "kilograms", "lb", "lbs", "pound",
            "pounds", "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hr", "hour", "hours", "day",
            "days", "week", "weeks", "year", "years", "l", "ml", "liter", "liters", "litre", "litres", "unit", "units",
            "square", "sq", "cubic", "degree", "degrees", "deg", "dollar", "dollars", "cent", "cents", "mph", "kmh",
            "km/h", "m/s", "cm^2", "m^2", "cm^3", "m^3", "km^2", "ft^2", "in^2", "units^2", "percent", "rad",
            "radian", "radians", "people", "students", "apples", "times", "ways", "points", "items", "coins");

    /** {@code \sin^2 x} → {@code (\sin{x})^{2}} so the power applies to the function value. */
    private static final Pattern TRIG_POWER = Pattern.compile(
            "\\\\(sin|cos|tan|cot|sec|csc)\\^\\{?([0-9])\\}?\\s*(\\([^()]*\\)|\\\\?[A-Za-z]|[0-9]+)");
    /** "1 or 2", "1 \\text{ and } 2", "x=1 \\quad\\text{or}\\quad x=2" → comma lists. */
    private static final Pattern OR_AND = Pattern.compile(
            "\\s*(?:\\\\q?quad)?\\s*(?:\\\\(?:text|mbox|textrm)\\s*\\{\\s*(?:or|and)\\s*\\}|(?<=\\s)(?:or|and)(?=\\s))"
                    + "\\s*(?:\\\\q?quad)?\\s*");
    private static final Pattern DEGREES = Pattern.compile("\\^\\s*\\{?\\s*\\\\circ\\s*\\}?|°|\\\\degree");
    private static final Pattern THOUSANDS = Pattern.compile("-?\\d{1,3}(,\\d{3})+(\\.\\d+)?");
    private static final Pattern TRAILING_UNITS = Pattern.compile(
            "^(.*?[0-9)}])\\s*((?:\\\\?[a-zA-Z/]+(?:\\^\\{?[23]\\}?)?\\s*)+)\\.?$");

    private LatexNormalizer() {
    }

    /**
     * @param answer an extracted answer (no surrounding prose)
     * @return the canonical form (never null; empty for a blank answer)
     */
    public static String normalize(String answer) {
        if (answer == null) {
            return "";
        }
        String s = answer.strip();
        s = stripDelimiters(s);
        s = s.replace("\\\\", ",") // matrix row separator
                .replace("\\!", " ").replace("\\,", " ").replace("\\;", " ").replace("\\:", " ").replace("~", " ")
                .replace("\\ ", " ").replace("{,}", "").replace("\\$", " ").replace("$", " ");
        s = DEGREES.matcher(s).replaceAll("");
        s = TRIG_POWER.matcher(s).replaceAll("(\\\\$1{$3})^{$2}");
        s = s.replace("\\%", "%").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac",
                "\\frac");
        s = OR_AND.matcher(s).replaceAll(",");
        s = stripTrailingUnits(s.strip());
        String out = convert(s);
        out = out.replaceAll("\\s+", "");
        while (out.endsWith(".")) {
            out = out.substring(0, out.length() - 1);
        }
        if (THOUSANDS.matcher(out).matches()) {
            out = out.replace(",", "");
        }
        return out;
    }

    /** Lower-case letters and digits only: the form used to compare word answers. */
    public static String textForm(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("\\\\text|\\\\mathrm|\\\\textbf|[^\\p{L}\\p{Nd}]", "");
    }

    private static String stripDelimiters(String s) {
        String t = s;
        boolean changed = true;
        while (changed) {
            changed = false;
            if (t.length() >= 2 && t.startsWith("$") && t.endsWith("$")) {
                t = t.substring(1, t.length() - 1).strip();
                changed = true;
            } else if (t.startsWith("\\(") && t.endsWith("\\)") || t.startsWith("\\[") && t.endsWith("\\]")) {
                t = t.substring(2, t.length() - 2).strip();
                changed = true;
            } else if (t.startsWith("\\boxed{") && BoxedAnswer.matchBrace(t, 6) == t.length() - 1) {
                t = t.substring(7, t.length() - 1).strip();
                changed = true;
            }
        }
        return t;
    }

    /** "12 cm^2", "5\text{ meters}", "30 dollars" → the number part when every trailing word is a unit. */
    private static String stripTrailingUnits(String s) {
        String t = s;
        // \text{ unit} / \mbox{unit} anywhere: drop when the content is a unit phrase
        var m = Pattern.compile("\\\\(?:text|mbox|mathrm|textrm)\\s*\\{([^{}]*)\\}(\\^\\{?[23]\\}?)?").matcher(t);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String content = m.group(1).strip();
            String keep = m.group(2) == null ? m.group() : m.group().substring(0, m.group().length() - m.group(2).length())
                    + m.group(2);
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(isUnitPhrase(content) ? "" : keep));
        }
        m.appendTail(sb);
        t = sb.toString().strip();
        var u = TRAILING_UNITS.matcher(t);
        if (u.matches() && isUnitPhrase(u.group(2))) {
            t = u.group(1).strip();
        }
        return t;
    }

    private static boolean isUnitPhrase(String phrase) {
        String p = phrase.strip();
        if (p.isEmpty()) {
            return false;
        }
        for (String w : p.split("\\s+")) {
            String word = w.replace("\\", "").replaceAll("\\^\\{?([23])\\}?$", "^$1").toLowerCase(Locale.ROOT);
            if (!UNITS.contains(word) && !UNITS.contains(word.replaceAll("\\^[23]$", ""))) {
                return false;
            }
        }
        return true;
    }

    /** Command-by-command rewrite with brace matching. */
    static String convert(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                int j = i + 1;
                if (j < s.length() && !Character.isLetter(s.charAt(j))) {
                    char e = s.charAt(j);
                    switch (e) {
                        case '{' -> out.append('{');
                        case '}' -> out.append('}');
                        case '\\' -> out.append(',');
                        case '%' -> out.append('%');
                        default -> out.append(' ');
                    }
                    i = j + 1;
                    continue;
                }
                while (j < s.length() && Character.isLetter(s.charAt(j))) {
                    j++;
                }
                String cmd = s.substring(i + 1, j);
                i = command(s, cmd, j, out);
                continue;
            }
            if (c == '^' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                // plain-text exponent: x^10 is x to the tenth (LaTeX would read x^1 0)
                int j = i + 1;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                out.append("^(").append(s, i + 1, j).append(')');
                i = j;
                continue;
            }
            if (c == '^' || c == '_') {
                int[] end = new int[1];
                String arg = argument(s, i + 1, end);
                if (arg == null) {
                    out.append(c);
                    i++;
                    continue;
                }
                if (c == '^') {
                    out.append("^(").append(convert(arg)).append(')');
                } else {
                    out.append('_').append(arg.replaceAll("[^A-Za-z0-9]", ""));
                }
                i = end[0];
                continue;
            }
            if (c == '{') {
                int close = BoxedAnswer.matchBrace(s, i);
                if (close > 0) {
                    out.append('(').append(convert(s.substring(i + 1, close))).append(')');
                    i = close + 1;
                    continue;
                }
                i++;
                continue;
            }
            if (c == '}') {
                i++;
                continue;
            }
            if (c == '&') {
                out.append(',');
                i++;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Handles one {@code \cmd} whose name ends at {@code j}; returns the index after what it consumed. */
    private static int command(String s, String cmd, int j, StringBuilder out) {
        int[] end = new int[1];
        switch (cmd) {
            case "frac", "over" -> {
                String a = argument(s, j, end);
                if (a == null) {
                    return j;
                }
                String b = argument(s, end[0], end);
                if (b == null) {
                    out.append('(').append(convert(a)).append(')');
                    return end[0];
                }
                out.append("((").append(convert(a)).append(")/(").append(convert(b)).append("))");
                return end[0];
            }
            case "sqrt" -> {
                int k = skipSpaces(s, j);
                String index = null;
                if (k < s.length() && s.charAt(k) == '[') {
                    int close = s.indexOf(']', k);
                    if (close > 0) {
                        index = s.substring(k + 1, close);
                        k = close + 1;
                    }
                }
                String a = argument(s, k, end);
                if (a == null) {
                    out.append("sqrt");
                    return k;
                }
                if (index == null) {
                    out.append("sqrt(").append(convert(a)).append(')');
                } else {
                    out.append("((").append(convert(a)).append(")^(1/(").append(convert(index)).append(")))");
                }
                return end[0];
            }
            case "text", "textbf", "textrm", "textit", "mathrm", "mathbf", "mathit", "mbox", "operatorname",
                 "boxed", "mathsf", "bf", "rm" -> {
                String a = argument(s, j, end);
                if (a == null) {
                    return j;
                }
                out.append(convert(a));
                return end[0];
            }
            case "begin", "end" -> {
                String env = argument(s, j, end);
                boolean matrix = env != null && env.contains("matrix");
                out.append(matrix ? (cmd.equals("begin") ? "(" : ")") : "");
                return env == null ? j : end[0];
            }
            case "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
                 "limits", "quad", "qquad", "mathstrut", "hfill" -> {
                int k = skipSpaces(s, j);
                if ((cmd.equals("left") || cmd.equals("right")) && k < s.length() && s.charAt(k) == '.') {
                    return k + 1;
                }
                return j;
            }
            case "cdot", "times", "ast" -> out.append('*');
            case "div" -> out.append('/');
            case "pi" -> out.append("pi");
            case "infty", "infin" -> out.append("oo");
            case "circ", "degree" -> {
                return j;
            }
            case "le", "leq", "leqslant" -> out.append("<=");
            case "ge", "geq", "geqslant" -> out.append(">=");
            case "ne", "neq" -> out.append("!=");
            case "lt" -> out.append('<');
            case "gt" -> out.append('>');
            case "cup" -> out.append('∪');
            case "cap" -> out.append('∩');
            case "pm" -> out.append('±');
            case "in" -> out.append('∈');
            case "emptyset", "varnothing" -> out.append("{}");
            case "lbrace" -> out.append('{');
            case "rbrace" -> out.append('}');
            case "lvert", "rvert", "vert", "mid" -> out.append('|');
            case "ln" -> out.append("ln");
            case "log" -> out.append("log");
            default -> out.append(cmd); // sin, cos, alpha, … keep their names
        }
        return j;
    }

    private static int skipSpaces(String s, int k) {
        while (k < s.length() && s.charAt(k) == ' ') {
            k++;
        }
        return k;
    }

    /** A braced group or a single character after optional spaces; null when none. */
    private static String argument(String s, int from, int[] end) {
        int k = skipSpaces(s, from);
        if (k >= s.length()) {
            return null;
        }
        char c = s.charAt(k);
        if (c == '{') {
            int close = BoxedAnswer.matchBrace(s, k);
            if (close < 0) {
                return null;
            }
            end[0] = close + 1;
            return s.substring(k + 1, close);
        }
        if (c == '\\') {
            int j = k + 1;
            while (j < s.length() && Character.isLetter(s.charAt(j))) {
                j++;
            }
            end[0] = j;
            return s.substring(k, j);
        }
        if (c == '}' || c == ')' || c == ']') {
            return null;
        }
        end[0] = k + 1;
        return String.valueOf(c);
    }
}
