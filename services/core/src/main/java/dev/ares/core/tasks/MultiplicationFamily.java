package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multiplication with carries and partial products.
 * <ul>
 *   <li>L1: two integers 2..9</li>
 *   <li>L2: a two-digit number times one digit</li>
 *   <li>L3: a three-digit number times one digit</li>
 *   <li>L4: two two-digit numbers (second factor without zero digits)</li>
 *   <li>L5: a three-digit times a two-digit number (second factor without zero digits)</li>
 * </ul>
 * Prompt {@code "What is a × b?"}; answer the decimal product.
 */
public final class MultiplicationFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "multiplication";
    private static final double[] BASE_PRIOR = {0.9, 0.72, 0.55, 0.38, 0.22};

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
        switch (level) {
            case 1 -> {
                a = r.nextLong(2, 10);
                b = r.nextLong(2, 10);
            }
            case 2 -> {
                a = r.nextLong(10, 100);
                b = r.nextLong(2, 10);
            }
            case 3 -> {
                a = r.nextLong(100, 1000);
                b = r.nextLong(2, 10);
            }
            case 4 -> {
                a = r.nextLong(10, 100);
                b = r.nextLong(1, 10) * 10 + r.nextLong(1, 10);
            }
            default -> {
                a = r.nextLong(100, 1000);
                b = r.nextLong(1, 10) * 10 + r.nextLong(1, 10);
            }
        }
        return build(level, a, b);
    }

    private static Task build(int level, long a, long b) {
        long product = a * b;
        String answer = Long.toString(product);
        String expr = a + " × " + b;
        Derivation.Builder d = Derivation.builder(answer);
        int carries = 0;
        if (level == 1) {
            long big = Math.max(a, b);
            long times = Math.min(a, b);
            d.plan(expr + " means adding " + big + ", " + times + " times.");
            List<String> running = new ArrayList<>();
            List<String> terms = new ArrayList<>();
            for (long k = 1; k <= times; k++) {
                running.add(Long.toString(big * k));
                terms.add(Long.toString(big));
            }
            d.detail("Running total: " + String.join(", ", running) + ".");
            d.step(String.join(" + ", terms) + " = " + product);
        } else if (b < 10) {
            d.plan("Multiply each digit of " + a + " by " + b + " from the ones, carrying.");
            List<String> parts = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (long part : ColumnArithmetic.placeParts(a)) {
                parts.add(part + " × " + b);
                values.add(Long.toString(part * b));
            }
            if (parts.size() == 1) {
                long scale = ColumnArithmetic.pow10(ColumnArithmetic.digits(a) - 1);
                d.step(expr + " = " + (a / scale) + " × " + b + " × " + scale + " = " + (a / scale * b) + " × " + scale);
            } else {
                d.step(expr + " = " + String.join(" + ", parts) + " = " + String.join(" + ", values));
            }
            carries = ColumnArithmetic.multiplyByDigit(a, (int) b, d);
        } else {
            d.plan("Multiply " + a + " by each digit of " + b + ", then add the partial products.");
            List<Long> partials = new ArrayList<>();
            for (int j = 0; j < ColumnArithmetic.digits(b); j++) {
                int m = ColumnArithmetic.digit(b, j);
                long shift = ColumnArithmetic.pow10(j);
                long partial = a * m * shift;
                partials.add(partial);
                d.step(a + " × " + (m * shift) + " = " + partial);
                carries += ColumnArithmetic.multiplyByDigit(a, m, d);
                if (j > 0) {
                    d.detail("shift by " + j + (j == 1 ? " place: " : " places: ") + (a * m) + " becomes " + partial);
                }
            }
            long acc = partials.get(0);
            for (int j = 1; j < partials.size(); j++) {
                d.step(acc + " + " + partials.get(j) + " = " + (acc + partials.get(j)));
                carries += ColumnArithmetic.addColumns(acc, partials.get(j), d);
                acc += partials.get(j);
            }
        }
        d.result(expr + " = " + product);
        d.plan("So the product is " + product + ".");
        long divisor = level == 1 ? Math.max(a, b) : b;
        d.check("Let me verify: " + product + " / " + divisor + " = " + (product / divisor) + ". Correct.");
        if (level > 1) {
            long rounded = roundToLeadingDigit(a);
            d.check("Check the size: " + rounded + " × " + b + " = " + (rounded * b) + ", close to " + product + ".");
        }
        String prompt = "What is " + expr + "?";
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, null, ProblemKeys.prior(BASE_PRIOR[level - 1], carries));
        return new Task(p, d.build());
    }

    /** Rounds to one significant digit, half up (47 -> 50, 349 -> 300). */
    static long roundToLeadingDigit(long n) {
        long scale = ColumnArithmetic.pow10(ColumnArithmetic.digits(n) - 1);
        return Math.max(scale, (n + scale / 2) / scale * scale);
    }
}
