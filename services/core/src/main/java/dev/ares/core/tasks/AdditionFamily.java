package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Multi-digit addition with carries.
 * <ul>
 *   <li>L1: two integers 1..9</li>
 *   <li>L2: a two-digit number plus a one- or two-digit number</li>
 *   <li>L3: two three-digit numbers with at least one carry</li>
 *   <li>L4: three operands of two or three digits</li>
 *   <li>L5: three operands of three or four digits with at least two carries</li>
 * </ul>
 * Prompt {@code "What is a + b?"}; answer the decimal sum.
 */
public final class AdditionFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "addition";
    private static final double[] BASE_PRIOR = {0.95, 0.85, 0.7, 0.55, 0.4};

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
        List<Long> ops;
        while (true) {
            ops = switch (level) {
                case 1 -> List.of(r.nextLong(1, 10), r.nextLong(1, 10));
                case 2 -> List.of(r.nextLong(10, 100), r.nextLong(1, 100));
                case 3 -> List.of(r.nextLong(100, 1000), r.nextLong(100, 1000));
                case 4 -> List.of(r.nextLong(100, 1000), r.nextLong(10, 100), r.nextLong(10, 1000));
                default -> List.of(r.nextLong(1000, 10000), r.nextLong(100, 10000), r.nextLong(100, 1000));
            };
            int carries = carries(ops);
            if ((level != 3 || carries >= 1) && (level != 5 || carries >= 2)) {
                break;
            }
        }
        return build(level, ops);
    }

    /** Total carries of adding the operands left to right, pair by pair. */
    static int carries(List<Long> ops) {
        int carries = 0;
        long acc = ops.get(0);
        for (int i = 1; i < ops.size(); i++) {
            long b = ops.get(i);
            int c = 0;
            for (int k = 0; k < 19; k++) {
                int s = ColumnArithmetic.digit(acc, k) + ColumnArithmetic.digit(b, k) + c;
                c = s / 10;
                carries += c;
            }
            acc += b;
        }
        return carries;
    }

    private static Task build(int level, List<Long> ops) {
        long sum = ops.stream().mapToLong(Long::longValue).sum();
        String expr = ops.stream().map(String::valueOf).collect(Collectors.joining(" + "));
        String answer = Long.toString(sum);
        Derivation.Builder d = Derivation.builder(answer);
        int carries = 0;
        if (level == 1) {
            long a = ops.get(0);
            long b = ops.get(1);
            d.plan("Add " + a + " and " + b + " by moving one at a time from " + b + " to " + a + ".");
            d.detail("Each move adds 1 to the left number and takes 1 from the right one.");
            d.step("Move 1 from " + b + " to " + a + " until the right number is used up.");
        } else if (ops.size() == 2) {
            long a = ops.get(0);
            long b = ops.get(1);
            d.plan("Add " + a + " and " + b + " column by column, starting from the ones.");
            d.step(expr + " = " + placeSums(a, b));
            carries = ColumnArithmetic.addColumns(a, b, d);
        } else {
            d.plan("Add the numbers one at a time, column by column.");
            long acc = ops.get(0);
            for (int i = 1; i < ops.size(); i++) {
                long b = ops.get(i);
                d.step(acc + " + " + b + " = " + (acc + b));
                carries += ColumnArithmetic.addColumns(acc, b, d);
                acc += b;
            }
        }
        // level 1: the moving-one chain in the prompt's order (docs/curriculum.md)
        d.result(level == 1 ? movingChain(ops.get(0), ops.get(1)) : expr + " = " + sum);
        d.plan("So the sum is " + sum + ".");
        if (ops.size() == 2) {
            d.check("Let me verify: " + sum + " - " + ops.get(1) + " = " + ops.get(0) + ". Correct.");
        } else {
            StringBuilder rev = new StringBuilder("Check in reverse order: ");
            long acc = ops.get(ops.size() - 1);
            for (int i = ops.size() - 2; i >= 0; i--) {
                rev.append(acc).append(" + ").append(ops.get(i)).append(" = ").append(acc + ops.get(i));
                acc += ops.get(i);
                rev.append(i > 0 ? ", " : ". Yes, the same.");
            }
            d.check(rev.toString());
        }
        int extra = carries + Math.max(0, ops.size() - 2) * 2;
        String prompt = "What is " + expr + "?";
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, null, ProblemKeys.prior(BASE_PRIOR[level - 1], extra));
        return new Task(p, d.build());
    }

    /**
     * The level-1 result line: {@code "7 + 4 = 8 + 3 = 9 + 2 = 10 + 1 = 11"}. Each link moves one from the right
     * operand to the left one; the link after {@code x + 1} is the sum {@code x + 1}. Every number after an
     * {@code =} is thus the successor of the left operand before it and every right operand the predecessor of the one
     * before it: the same small facts for every pair, so an unseen pair needs no new fact (docs/curriculum.md).
     *
     * @param a the left addend, written first
     * @param b the right addend, 1..9
     */
    static String movingChain(long a, long b) {
        StringBuilder sb = new StringBuilder().append(a).append(" + ").append(b);
        for (long k = 1; k < b; k++) {
            sb.append(" = ").append(a + k).append(" + ").append(b - k);
        }
        return sb.append(" = ").append(a + b).toString();
    }

    /** "900 + 110 + 13": the sum of each place's digits times its place value, highest place first. */
    private static String placeSums(long a, long b) {
        int width = Math.max(ColumnArithmetic.digits(a), ColumnArithmetic.digits(b));
        List<String> parts = new ArrayList<>();
        for (int i = width - 1; i >= 0; i--) {
            long s = (ColumnArithmetic.digit(a, i) + ColumnArithmetic.digit(b, i)) * ColumnArithmetic.pow10(i);
            if (s != 0) {
                parts.add(Long.toString(s));
            }
        }
        return String.join(" + ", parts);
    }
}
