package dev.ares.core.verify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.function.Function;

/**
 * A real-valued expression parsed from the canonical form of {@link LatexNormalizer}, evaluated with exp4j
 * (Apache-2.0). The tokenizer here makes multiplication explicit ({@code 2x}, {@code 3(x+1)}, {@code xy},
 * {@code 2sqrt(3)}), maps function names ({@code ln}, {@code log} base 10, {@code arcsin}, …), gives bare function
 * arguments parentheses ({@code sinx} → {@code sin(x)}) and turns {@code |x|} into {@code abs(x)}. Single letters
 * are variables (with an optional subscript {@code x_1}); {@code pi} and {@code e} are constants.
 */
public final class MathExpression {
    private static final Map<String, String> FUNCTIONS = Map.ofEntries(Map.entry("sqrt", "sqrt"),
            Map.entry("sin", "sin"), Map.entry("cos", "cos"), Map.entry("tan", "tan"), Map.entry("cot", "cot"),
            Map.entry("sec", "sec"), Map.entry("csc", "csc"), Map.entry("ln", "ln"), Map.entry("log", "log10"),
            Map.entry("exp", "exp"), Map.entry("abs", "abs"), Map.entry("arcsin", "asin"),
            Map.entry("arccos", "acos"), Map.entry("arctan", "atan"), Map.entry("sinh", "sinh"),
            Map.entry("cosh", "cosh"), Map.entry("tanh", "tanh"));
    private static final List<String> NAMES_LONGEST_FIRST;

    static {
        List<String> names = new ArrayList<>(FUNCTIONS.keySet());
        names.add("pi");
        names.sort((a, b) -> b.length() - a.length());
        NAMES_LONGEST_FIRST = List.copyOf(names);
    }

    private static final Function[] EXTRA = {
        new Function("ln", 1) {
            @Override
            public double apply(double... a) {
                return Math.log(a[0]);
            }
        },
        new Function("cot", 1) {
            @Override
            public double apply(double... a) {
                return 1.0 / Math.tan(a[0]);
            }
        },
        new Function("sec", 1) {
            @Override
            public double apply(double... a) {
                return 1.0 / Math.cos(a[0]);
            }
        },
        new Function("csc", 1) {
            @Override
            public double apply(double... a) {
                return 1.0 / Math.sin(a[0]);
            }
        },
    };

    private static final java.util.regex.Pattern KNOWN_NAMES = java.util.regex.Pattern.compile(
            "sqrt|arcsin|arccos|arctan|sinh|cosh|tanh|sin|cos|tan|cot|sec|csc|ln|log|exp|abs|pi");
    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z]{3,}");

    private final String infix;
    private final Set<String> variables;
    private final Expression expression;

    private MathExpression(String infix, Set<String> variables, Expression expression) {
        this.infix = infix;
        this.variables = variables;
        this.expression = expression;
    }

    /** @return the exp4j infix string (explicit operators) */
    public String infix() {
        return infix;
    }

    /** @return the free variables */
    public Set<String> variables() {
        return variables;
    }

    /**
     * @param canonical output of {@link LatexNormalizer#normalize(String)} (no structure: no top-level commas)
     * @return the parsed expression, or empty when it is not a plain real expression
     */
    public static Optional<MathExpression> parse(String canonical) {
        if (canonical == null || canonical.isEmpty()) {
            return Optional.empty();
        }
        if (WORD.matcher(KNOWN_NAMES.matcher(canonical).replaceAll(" ")).find()) {
            return Optional.empty(); // a word answer ("yes", "east", "nosolution"), not a product of variables
        }
        List<String> tokens = new ArrayList<>();
        Set<String> vars = new LinkedHashSet<>();
        if (!tokenize(canonical, tokens, vars)) {
            return Optional.empty();
        }
        String infix = String.join("", tokens);
        try {
            Expression e = new ExpressionBuilder(infix).variables(vars).functions(EXTRA).implicitMultiplication(false)
                    .build();
            if (!e.validate(false).isValid()) {
                return Optional.empty();
            }
            return Optional.of(new MathExpression(infix, Set.copyOf(vars), e));
        } catch (RuntimeException ex) {
            return Optional.empty();
        }
    }

    /**
     * Evaluates at a point.
     *
     * @param values value of every variable (missing variables are an error)
     * @return the value, or NaN where undefined (division by zero, domain)
     */
    public double evaluate(Map<String, Double> values) {
        Expression e = new Expression(expression);
        for (String v : variables) {
            Double x = values.get(v);
            if (x == null) {
                throw new IllegalArgumentException("no value for variable " + v);
            }
            e.setVariable(v, x);
        }
        try {
            return e.evaluate();
        } catch (ArithmeticException ex) {
            return Double.NaN;
        }
    }

    private enum Kind { NUM, NAME, FUNC, OPEN, CLOSE, OP }

    private static boolean tokenize(String s, List<String> out, Set<String> vars) {
        Kind prev = null;
        int absDepth = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            Kind kind;
            String text;
            if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                    j++;
                }
                text = s.substring(i, j);
                if (text.indexOf('.') != text.lastIndexOf('.')) {
                    return false;
                }
                kind = Kind.NUM;
                i = j;
            } else if (Character.isLetter(c) && c < 128) {
                String name = null;
                for (String n : NAMES_LONGEST_FIRST) {
                    if (s.startsWith(n, i)) {
                        name = n;
                        break;
                    }
                }
                if (name != null && !name.equals("pi")) {
                    text = FUNCTIONS.get(name);
                    kind = Kind.FUNC;
                    i += name.length();
                } else if (name != null) {
                    text = "pi";
                    kind = Kind.NAME;
                    i += 2;
                } else {
                    int j = i + 1;
                    if (j + 1 < s.length() && s.charAt(j) == '_' && Character.isLetterOrDigit(s.charAt(j + 1))) {
                        j += 2;
                        while (j < s.length() && Character.isDigit(s.charAt(j))) {
                            j++;
                        }
                    }
                    text = s.substring(i, j);
                    kind = Kind.NAME;
                    if (!text.equals("e")) {
                        vars.add(text);
                    }
                    i = j;
                }
            } else if (c == '(' || c == '[') {
                text = "(";
                kind = Kind.OPEN;
                i++;
            } else if (c == ')' || c == ']') {
                text = ")";
                kind = Kind.CLOSE;
                i++;
            } else if (c == '|') {
                boolean opens = prev == null || prev == Kind.OP || prev == Kind.OPEN || prev == Kind.FUNC
                        || absDepth == 0;
                if (opens) {
                    absDepth++;
                    if (prev == Kind.NUM || prev == Kind.NAME || prev == Kind.CLOSE) {
                        out.add("*");
                    }
                    out.add("abs");
                    out.add("(");
                    prev = Kind.OPEN;
                } else {
                    absDepth--;
                    out.add(")");
                    prev = Kind.CLOSE;
                }
                i++;
                continue;
            } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '^') {
                text = String.valueOf(c);
                kind = Kind.OP;
                i++;
            } else {
                return false; // %, comparison, factorial, ±, unicode, … are not plain real expressions
            }
            boolean implicit = (prev == Kind.NUM || prev == Kind.NAME || prev == Kind.CLOSE)
                    && (kind == Kind.NUM || kind == Kind.NAME || kind == Kind.FUNC || kind == Kind.OPEN);
            if (implicit) {
                out.add("*");
            }
            if (prev == Kind.FUNC && kind != Kind.OPEN) {
                // bare argument: sinx → sin(x), sqrt2 → sqrt(2)
                out.add("(");
                out.add(text);
                out.add(")");
                prev = Kind.CLOSE;
                if (kind == Kind.FUNC || kind == Kind.OP) {
                    return false;
                }
                continue;
            }
            out.add(text);
            prev = kind;
        }
        return absDepth == 0 && prev != Kind.OP && prev != Kind.FUNC;
    }
}
