package dev.ares.cli.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A pid file written by the launcher: line 1 the pid, line 2 a marker (the jar path) that the process's
 * command line must contain for it to count as ours. A stale file whose pid now belongs to another
 * program is never acted on, so {@code ./ares down} stops only what {@code ./ares up} started.
 */
public record PidFile(Path path) {

    /** Records {@code pid} with {@code marker}. */
    public void write(long pid, String marker) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, pid + "\n" + marker + "\n", StandardCharsets.UTF_8);
    }

    /** The live process this file names, if it is still running and still ours. */
    public Optional<ProcessHandle> process() {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.size() < 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String marker = lines.get(1).trim();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> commandLine(p).contains(marker));
    }

    /**
     * Stops the process if it is ours: SIGTERM, then SIGKILL after {@code grace}. Deletes the file.
     *
     * @return true when a process of ours was running and is now gone
     */
    public boolean stop(Duration grace) {
        Optional<ProcessHandle> p = process();
        boolean stopped = false;
        if (p.isPresent()) {
            ProcessHandle h = p.get();
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception timeout) {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported below by isAlive
                }
            }
            stopped = !h.isAlive();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover pid file is harmless: its marker check protects foreign processes
        }
        return stopped;
    }

    /** The full command line of a process, from /proc when the JDK's view is truncated. */
    static String commandLine(ProcessHandle p) {
        Path proc = Path.of("/proc", Long.toString(p.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException ignored) {
            // fall through to the JDK's view
        }
        return p.info().commandLine().orElse("");
    }
}
