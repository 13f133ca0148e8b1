package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Order-reasoning chains: facts such as {@code "A > B, C < B"} between letters, and the question which letter is the
 * largest or smallest. The letters are drawn from A-H. The facts link neighbours of one hidden total order, so the
 * answer is unique.
 * <ul>
 *   <li>L1: two letters, one fact, larger or smaller</li>
 *   <li>L2: three letters, facts in chain order, only {@code >}, "largest"</li>
 *   <li>L3: three letters, shuffled facts mixing {@code >} and {@code <}, largest or smallest</li>
 *   <li>L4: four letters, as L3</li>
 *   <li>L5: five letters, as L3</li>
 * </ul>
 * Answer: one capital letter.
 */
public final class ComparisonChainFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "compare";
    private static final double[] BASE_PRIOR = {0.95, 0.85, 0.7, 0.55, 0.4};
    private static final String LETTERS = "ABCDEFGH";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    /** One fact: {@code left op right}, op is '>' or '<'. */
    record Fact(char left, char op, char right) {
        /** The fact with the larger letter on the left. */
        Fact normalised() {
            return op == '>' ? this : new Fact(right, '>', left);
        }

        @Override
        public String toString() {
            return left + " " + op + " " + right;
        }
    }

    @Override
    public Task generate(int level, long seed) {
        TaskFamily.checkLevel(NAME, level);
        SplittableRandom r = ProblemKeys.random(NAME, level, seed);
        int n = switch (level) {
            case 1 -> 2;
            case 2, 3 -> 3;
            case 4 -> 4;
            default -> 5;
        };
        List<Character> pool = new ArrayList<>();
        for (char ch : LETTERS.toCharArray()) {
            pool.add(ch);
        }
        shuffle(pool, r);
        List<Character> order = new ArrayList<>(pool.subList(0, n)); // order.get(0) is the largest
        List<Fact> facts = new ArrayList<>();
        for (int i = 0; i + 1 < n; i++) {
            boolean flip = level >= 3 && r.nextBoolean();
            facts.add(flip ? new Fact(order.get(i + 1), '<', order.get(i)) : new Fact(order.get(i), '>', order.get(i + 1)));
        }
        if (level >= 3) {
            shuffle(facts, r);
        }
        boolean askLargest = level == 2 || r.nextBoolean();
        return build(level, order, facts, askLargest);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom r) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private static Task build(int level, List<Character> order, List<Fact> facts, boolean askLargest) {
        int n = order.size();
        String word = n == 2 ? (askLargest ? "larger" : "smaller") : (askLargest ? "largest" : "smallest");
        char answer = askLargest ? order.get(0) : order.get(n - 1);
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < facts.size(); i++) {
            prompt.append(i > 0 ? ", " : "").append(facts.get(i));
        }
        prompt.append(". Which is ").append(word).append('?');
        Derivation.Builder d = Derivation.builder(String.valueOf(answer));
        d.plan("Put the letters in order from largest to smallest.");
        int flips = 0;
        for (Fact f : facts) {
            Fact norm = f.normalised();
            if (norm.equals(f)) {
                d.detail(f + ": " + f.left() + " is above " + f.right() + ".");
            } else {
                d.detail(f + " means " + norm + ".");
                flips++;
            }
        }
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < n; i++) {
            chain.append(i > 0 ? " > " : "").append(order.get(i));
        }
        d.step("Order: " + chain + ".");
        d.result("The " + word + " is " + answer + ".");
        d.plan("So the answer is " + answer + ".");
        StringBuilder check = new StringBuilder("Wait, check each fact against the order:");
        for (Fact f : facts) {
            check.append(' ').append(f).append(" yes;");
        }
        check.setCharAt(check.length() - 1, '.');
        d.check(check.toString());
        d.check("But is any letter " + (askLargest ? "above " : "below ") + answer + "? No fact says so. Good.");
        int extra = flips + (level >= 3 ? n - 2 : 0);
        Problem p = ProblemKeys.problem(NAME, level, prompt.toString(), String.valueOf(answer), null,
                ProblemKeys.prior(BASE_PRIOR[level - 1], extra));
        return new Task(p, d.build());
    }
}
