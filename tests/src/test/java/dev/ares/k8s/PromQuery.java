package dev.ares.k8s;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression reads: each metric name with its label matchers, and the labels it aggregates
 * by or match on. A deliberately small reading of PromQL that covers what dashboards use (selectors, range
 * vectors, functions, aggregations with by/without, binary operators with on/ignoring/group_left/group_right);
 * an expression it cannot read fails loudly.
 */
record PromQuery(String expr, List<Selector> selectors, Set<String> groupingLabels) {
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)\\}");
    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    /** Vector matching label lists: {@code on (..)}, {@code ignoring (..)}, {@code group_left (..)}, {@code group_right (..)}. */
    private static final Pattern MATCHING = Pattern.compile("\\b(?:on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset");

    /** One label matcher: label, operator (=, !=, =~, !~) and value (a regular expression for =~ and !~). */
    record Matcher1(String label, String op, String value) {
        boolean accepts(String actual) {
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "=~" -> v.matches(value);
                case "!~" -> !v.matches(value);
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** A metric name and its matchers. */
    record Selector(String metric, List<Matcher1> matchers) {
    }

    /**
     * Reads an expression.
     *
     * @throws IllegalArgumentException when a selector's matchers cannot be read
     */
    static PromQuery parse(String expr) {
        List<Selector> selectors = new ArrayList<>();
        Set<String> grouping = new LinkedHashSet<>();
        Matcher g = GROUPING.matcher(expr);
        while (g.find()) {
            for (String l : g.group(1).split(",")) {
                if (!l.isBlank()) {
                    grouping.add(l.strip());
                }
            }
        }
        Matcher v = MATCHING.matcher(expr);
        while (v.find()) {
            for (String l : v.group(1).split(",")) {
                if (!l.isBlank()) {
                    grouping.add(l.strip()); // the series on both sides must carry the labels they are matched on
                }
            }
        }
        String rest = MATCHING.matcher(GROUPING.matcher(expr).replaceAll(" ")).replaceAll(" ");
        Matcher s = SELECTOR.matcher(rest);
        StringBuilder outside = new StringBuilder();
        int last = 0;
        while (s.find()) {
            selectors.add(new Selector(s.group(1), matchers(s.group(2), expr)));
            outside.append(rest, last, s.start()).append(' ');
            last = s.end();
        }
        outside.append(rest.substring(last));
        // bare metric names: identifiers that are not functions (followed by "("), keywords, or durations in [..]
        String bare = outside.toString().replaceAll("\\[[^]]*]", " ");
        Matcher id = IDENT.matcher(bare);
        while (id.find()) {
            String name = id.group();
            int after = id.end();
            while (after < bare.length() && bare.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < bare.length() && bare.charAt(after) == '(';
            if (!function && !KEYWORDS.contains(name)) {
                selectors.add(new Selector(name, List.of()));
            }
        }
        return new PromQuery(expr, selectors, grouping);
    }

    private static List<Matcher1> matchers(String body, String expr) {
        List<Matcher1> list = new ArrayList<>();
        Matcher m = MATCHER.matcher(body);
        int pos = 0;
        while (pos < body.length() && m.find(pos) && m.start() == pos) {
            list.add(new Matcher1(m.group(1), m.group(2), m.group(3).replace("\\\\", "\\").replace("\\\"", "\"")));
            pos = m.end();
        }
        if (!body.substring(pos).isBlank()) {
            throw new IllegalArgumentException("cannot read the label matchers {" + body + "} in: " + expr);
        }
        return list;
    }
}
