package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Multi-digit subtraction with borrows; results are never negative.
 * <ul>
 *   <li>L1: a - b with 1 &le; b &le; a &le; 9</li>
 *   <li>L2: a two-digit number minus a one- or two-digit number</li>
 *   <li>L3: three digits minus two or three digits with at least one borrow</li>
 *   <li>L4: four digits minus three or four digits with at least two borrows</li>
 *   <li>L5: a four-digit number minus two three-digit numbers</li>
 * </ul>
 * Prompt {@code "What is a - b?"}; answer the decimal difference.
 */
public final class SubtractionFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "subtraction";
    private static final double[] BASE_PRIOR = {0.93, 0.8, 0.62, 0.48, 0.35};

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
        while (true) {
            List<Long> ops;
            switch (level) {
                case 1 -> {
                    long a = r.nextLong(1, 10);
                    ops = List.of(a, r.nextLong(1, a + 1));
                }
                case 2 -> {
                    long a = r.nextLong(10, 100);
                    ops = List.of(a, r.nextLong(1, a + 1));
                }
                case 3 -> {
                    long a = r.nextLong(100, 1000);
                    ops = List.of(a, r.nextLong(10, a + 1));
                }
                case 4 -> {
                    long a = r.nextLong(1000, 10000);
                    ops = List.of(a, r.nextLong(100, a + 1));
                }
                default -> ops = List.of(r.nextLong(1000, 10000), r.nextLong(100, 1000), r.nextLong(100, 1000));
            }
            if (ops.size() == 3 && ops.get(1) + ops.get(2) > ops.get(0)) {
                continue;
            }
            int borrows = borrows(ops);
            if ((level == 3 && borrows < 1) || (level == 4 && borrows < 2)) {
                continue;
            }
            return build(level, ops);
        }
    }

    /** Total borrows of subtracting the operands left to right. */
    static int borrows(List<Long> ops) {
        int total = 0;
        long acc = ops.get(0);
        for (int i = 1; i < ops.size(); i++) {
            long b = ops.get(i);
            int borrow = 0;
            for (int k = 0; k < 19; k++) {
                int t = ColumnArithmetic.digit(acc, k) - borrow - ColumnArithmetic.digit(b, k);
                borrow = t < 0 ? 1 : 0;
                total += borrow;
            }
            acc -= b;
        }
        return total;
    }

    private static Task build(int level, List<Long> ops) {
        long result = ops.get(0);
        for (int i = 1; i < ops.size(); i++) {
            result -= ops.get(i);
        }
        String expr = ops.stream().map(String::valueOf).collect(Collectors.joining(" - "));
        String answer = Long.toString(result);
        Derivation.Builder d = Derivation.builder(answer);
        int borrows = 0;
        if (level == 1) {
            long a = ops.get(0);
            long b = ops.get(1);
            d.plan("Take " + b + " away from " + a + " by counting down.");
            d.detail("Start at " + a + ".");
            List<String> counts = new ArrayList<>();
            for (long k = 1; k <= b; k++) {
                counts.add(Long.toString(a - k));
            }
            d.step("Count down " + b + " from " + a + ": " + String.join(", ", counts) + ".");
        } else {
            d.plan("Subtract column by column from the ones, borrowing when a digit is too small.");
            long acc = ops.get(0);
            for (int i = 1; i < ops.size(); i++) {
                long b = ops.get(i);
                d.step(acc + " - " + b + ": " + placeSteps(acc, b));
                borrows += ColumnArithmetic.subtractColumns(acc, b, d);
                acc -= b;
            }
        }
        d.result(expr + " = " + result);
        d.plan("So the difference is " + result + ".");
        if (ops.size() == 2) {
            d.check("Let me verify: " + result + " + " + ops.get(1) + " = " + ops.get(0) + ". Correct.");
        } else {
            long mid = result + ops.get(2);
            d.check("Let me verify: " + result + " + " + ops.get(2) + " = " + mid + ", " + mid + " + " + ops.get(1)
                    + " = " + ops.get(0) + ". Correct.");
        }
        int extra = borrows + (ops.size() - 2) * 2;
        String prompt = "What is " + expr + "?";
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, null, ProblemKeys.prior(BASE_PRIOR[level - 1], extra));
        return new Task(p, d.build());
    }

    /** Take b away one place value at a time: "1701 - 600 = 1101, 1101 - 70 = 1031, 1031 - 8 = 1023". */
    private static String placeSteps(long a, long b) {
        List<String> steps = new ArrayList<>();
        long acc = a;
        for (long part : ColumnArithmetic.placeParts(b)) {
            steps.add(acc + " - " + part + " = " + (acc - part));
            acc -= part;
        }
        return String.join(", ", steps);
    }
}
