package dev.ares.cli.demo;

import dev.ares.cli.AresCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's stage 1: the AdaCS cold start, made by {@code ./ares sft --init demo} (curriculum traces whose length
 * follows the difficulty prior, teacher-forced on the demo-size Qwen2) and cached under
 * {@code .cache/ares/cold-start/<preset>-s<seed>/}, so later demos reuse it. In: the preset and seed. Out: the
 * Hugging Face folder of the cold-start policy. A cache without its completion marker (an interrupted run) is
 * resumed by the SFT command from its own checkpoints. The repository ships the cold start of the default seed
 * under {@code demo/cold-start/<preset>-s0/} (made by the same command; its README says how), so a fresh clone's
 * first demo does not spend its time budget on stage 1; {@code --fresh-cold-start} trains it anyway.
 */
final class ColdStart {
    /** Marker written after a successful cold start; its presence makes the folder reusable. */
    static final String MARKER = "cold-start.done";

    private ColdStart() {
    }

    /** The cache folder of a preset and seed. */
    static Path cacheDir(Path repoRoot, boolean quick, long seed) {
        return repoRoot.resolve(".cache/ares/cold-start").resolve((quick ? "quick" : "default") + "-s" + seed);
    }

    /**
     * Returns the cold-start folder, training it first when no complete one is cached.
     *
     * @param fresh train again even when a complete one is cached
     * @param log   progress lines (the SFT command's own progress goes to stderr)
     * @throws IllegalStateException with the SFT command's error output when it fails
     */
    static Path ensure(Path repoRoot, boolean quick, long seed, boolean fresh, Consumer<String> log) throws IOException {
        Path dir = cacheDir(repoRoot, quick, seed);
        if (!fresh && complete(dir)) {
            log.accept("reusing the cached cold start in " + dir + " (--fresh-cold-start trains it again)");
            return dir;
        }
        for (Path shipped : shippedDirs(repoRoot, quick, seed)) {
            if (!fresh && complete(shipped)) {
                log.accept("using the cold start shipped in " + shipped + " (see its README; --fresh-cold-start trains one)");
                return shipped;
            }
        }
        if (fresh && Files.isDirectory(dir)) {
            deleteTree(dir);
        }
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(List.of("sft", "--init", "demo", "--out", dir.toString(),
                "--seed", Long.toString(seed), "--prompt", "bare"));
        if (quick) {
            args.add("--quick");
        }
        log.accept("training it: ./ares " + String.join(" ", args));
        StringWriter out = new StringWriter();
        Writer err = new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8);
        var cli = AresCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("the cold start failed (exit " + code + "); output:\n" + out);
        }
        for (String line : out.toString().split("\n")) {
            if (!line.isBlank()) {
                log.accept("sft: " + line.strip());
            }
        }
        Files.writeString(dir.resolve(MARKER), Instant.now() + "\n");
        return dir;
    }

    /** The cold start the repository ships for a preset and seed (may not exist). */
    static Path shippedDir(Path repoRoot, boolean quick, long seed) {
        return repoRoot.resolve("demo/cold-start").resolve((quick ? "quick" : "default") + "-s" + seed);
    }

    /**
     * The shipped cold starts a demo may use, best first: the default preset's model (the 15-minute recipe of
     * docs/results/cold-start.md) for either preset, since a quick demo only needs some cold start and the default
     * one is the stronger; then, for {@code --quick}, the quick preset's own.
     */
    static java.util.List<Path> shippedDirs(Path repoRoot, boolean quick, long seed) {
        return quick ? java.util.List.of(shippedDir(repoRoot, false, seed), shippedDir(repoRoot, true, seed))
                : java.util.List.of(shippedDir(repoRoot, false, seed));
    }

    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER)) && Files.isRegularFile(dir.resolve("config.json"));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
