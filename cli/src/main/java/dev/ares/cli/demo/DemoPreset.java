package dev.ares.cli.demo;

/**
 * The sizes of one demo run. {@code --quick} is sized to finish in about four minutes on a 2-core CPU with a
 * cached cold start; the default in about twenty (docs/demo.md has the measurements behind the numbers).
 *
 * @param name          preset name, printed in the report
 * @param steps         AEPO learner steps
 * @param groupsPerStep prompts (groups) per step
 * @param n             trajectories per group
 * @param maxNewTokens  response budget of a rollout
 * @param evalPerLevel  held-out problems per family and level in the final evaluation
 * @param evalK         samples per held-out problem (k > 1: the measured pass rate gives the bucket)
 * @param evalFamilies  text families in the final evaluation
 */
public record DemoPreset(String name, int steps, int groupsPerStep, int n, int maxNewTokens, int evalPerLevel, int evalK,
                         java.util.List<String> evalFamilies) {

    public DemoPreset {
        if (steps < 1 || groupsPerStep < 1 || n < 2 || maxNewTokens < 1 || evalPerLevel < 1 || evalK < 2) {
            throw new IllegalArgumentException("invalid demo preset " + name + ": steps, groups, evalPerLevel >= 1; n, evalK >= 2");
        }
        evalFamilies = java.util.List.copyOf(evalFamilies);
    }

    /** About four minutes with a cached cold start. */
    public static DemoPreset quick() {
        return new DemoPreset("quick", 6, 8, 4, 96, 2, 4, java.util.List.of("addition", "subtraction", "compare"));
    }

    /** About twenty minutes. */
    public static DemoPreset full() {
        return new DemoPreset("default", 30, 16, 8, 128, 4, 4, java.util.List.of("addition", "subtraction",
                "multiplication", "linear", "compare"));
    }

    /**
     * {@code --multimodal}: AEPO on level-1 bar charts ("which bar is tallest"; answers are one letter, so 32 new
     * tokens hold the 15-token trace with room to spare). The held-out evaluation is {@link MultimodalDemo#evaluate},
     * so {@code evalPerLevel} and {@code evalK} are unused here.
     */
    public static DemoPreset multimodal() {
        return new DemoPreset("multimodal", 10, 8, 8, 32, 1, 2, java.util.List.of("bar_chart"));
    }

    /** This preset with another step count ({@code --steps}). */
    public DemoPreset withSteps(int s) {
        return new DemoPreset(name, s, groupsPerStep, n, maxNewTokens, evalPerLevel, evalK, evalFamilies);
    }
}
