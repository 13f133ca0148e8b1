package dev.ares.core.tasks;

import java.util.SplittableRandom;

/**
 * Linear equations in one unknown x with an integer solution, written {@code a·x + b = c·x + d}.
 * <ul>
 *   <li>L1: {@code x + b = d}, x and b in 1..9</li>
 *   <li>L2: {@code a·x = d}, a in 2..9, x in 2..12</li>
 *   <li>L3: {@code a·x ± b = d}, positive d</li>
 *   <li>L4: {@code a·x + b = c·x + d} with a &gt; c &ge; 1, positive x</li>
 *   <li>L5: as L4 with negative constants allowed and a non-zero solution in -12..12</li>
 * </ul>
 * Prompt {@code "Solve 3x + 4 = 19."}; answer the decimal value of x (e.g. {@code "5"}, {@code "-4"}).
 */
public final class LinearEquationFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "linear";
    private static final double[] BASE_PRIOR = {0.9, 0.8, 0.62, 0.42, 0.26};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    @Override
    public Task generate(int level, long seed) {
        TaskFamily.checkLevel(NAME, level);
        SplittableRandom r = ProblemKeys.random(NAME, level, seed);
        long a;
        long b;
        long c = 0;
        long x;
        switch (level) {
            case 1 -> {
                a = 1;
                x = r.nextLong(1, 10);
                b = r.nextLong(1, 10);
            }
            case 2 -> {
                a = r.nextLong(2, 10);
                x = r.nextLong(2, 13);
                b = 0;
            }
            case 3 -> {
                a = r.nextLong(2, 10);
                x = r.nextLong(1, 13);
                b = r.nextBoolean() ? r.nextLong(1, 21) : -r.nextLong(1, a * x);
            }
            case 4 -> {
                c = r.nextLong(1, 9);
                a = r.nextLong(c + 1, 10);
                x = r.nextLong(1, 13);
                b = r.nextLong(0, 21);
            }
            default -> {
                a = r.nextLong(1, 10);
                do {
                    c = r.nextLong(1, 10);
                } while (c == a);
                do {
                    x = r.nextLong(-12, 13);
                } while (x == 0);
                do {
                    b = r.nextLong(-20, 21);
                } while (b == 0);
            }
        }
        long d = (a - c) * x + b;
        return build(level, a, b, c, d, x);
    }

    private static Task build(int level, long a, long b, long c, long d, long x) {
        String equation = side(a, b) + " = " + side(c, d);
        String answer = Long.toString(x);
        Derivation.Builder der = Derivation.builder(answer);
        der.plan("Get x alone on one side of " + equation + ".");
        long k = a - c;
        int steps = 0;
        if (c != 0) {
            der.detail("Subtract " + term(c) + " from both sides.");
            der.step(side(k, b) + " = " + d);
            steps++;
        }
        long rhs = d - b;
        if (b != 0) {
            der.detail(b > 0 ? "Subtract " + b + " from both sides." : "Add " + (-b) + " to both sides.");
            der.step(term(k) + " = " + d + (b > 0 ? " - " + b : " + " + (-b)) + " = " + rhs);
            steps++;
        }
        if (k != 1) {
            der.detail("Divide both sides by " + k + ".");
            der.step("x = " + rhs + " / " + paren(k) + " = " + x);
            steps++;
        }
        der.result("x = " + x);
        der.plan("So x is " + x + ".");
        long left = a * x + b;
        long right = c * x + d;
        if (c == 0) {
            der.check("Let me verify: " + evaluate(a, b, x) + " = " + left + ", and the right side is " + d + ". Correct.");
        } else {
            der.check("Let me verify: left " + evaluate(a, b, x) + " = " + left + ", right " + evaluate(c, d, x)
                    + " = " + right + ". They match.");
        }
        int extra = steps + (x < 0 ? 2 : 0) + (b < 0 ? 1 : 0) + (d < 0 ? 1 : 0);
        String prompt = "Solve " + equation + ".";
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, null, ProblemKeys.prior(BASE_PRIOR[level - 1], extra));
        return new Task(p, der.build());
    }

    /** "3x", "x", "-x", "-2x". */
    static String term(long coef) {
        if (coef == 1) {
            return "x";
        }
        if (coef == -1) {
            return "-x";
        }
        return coef + "x";
    }

    /** One side {@code coef·x + constant}: "3x + 4", "x - 2", "7"; a zero coefficient leaves the constant alone. */
    static String side(long coef, long constant) {
        if (coef == 0) {
            return Long.toString(constant);
        }
        if (constant == 0) {
            return term(coef);
        }
        return term(coef) + (constant > 0 ? " + " + constant : " - " + (-constant));
    }

    private static String paren(long v) {
        return v < 0 ? "(" + v + ")" : Long.toString(v);
    }

    /** "3 × 5 + 4" or "3 × (-5) - 4". */
    private static String evaluate(long coef, long constant, long x) {
        String s = coef == 1 ? paren(x) : coef + " × " + paren(x);
        if (constant != 0) {
            s += constant > 0 ? " + " + constant : " - " + (-constant);
        }
        return s;
    }
}
