package dev.ares.kafkalocal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The classpath of the broker child JVM.
 *
 * <p>At build time the Maven dependency plugin writes the runtime classpath of this module (which
 * includes the optional broker jars {@code kafka_2.13} and {@code log4j-slf4j2-impl}) into the
 * resource {@value #CLASSPATH_RESOURCE}, with the local repository replaced by
 * {@value #REPO_PLACEHOLDER}, '|'-separated; the repository it was resolved from is recorded in
 * {@value #BUILD_RESOURCE}. At run time the placeholder is re-rooted on the first repository that
 * holds every jar: {@code -Dmaven.repo.local}, the build-time repository, then
 * {@code ~/.m2/repository}. The location this class was loaded from (a jar or a classes directory)
 * comes first, so {@link BrokerMain} is found both from tests and from a packaged jar.
 *
 * <p>Override: the system property {@value #OVERRIDE_PROPERTY} or the environment variable
 * {@value #OVERRIDE_ENV} (a {@link File#pathSeparator}-separated classpath) replaces the resolved jars.
 */
public final class BrokerClasspath {

    /** Resource holding the build-time classpath. */
    public static final String CLASSPATH_RESOURCE = "META-INF/ares-kafka-local/broker.classpath";
    /** Resource holding the build-time local repository. */
    public static final String BUILD_RESOURCE = "META-INF/ares-kafka-local/build.properties";
    /** Placeholder for the local repository inside {@link #CLASSPATH_RESOURCE}. */
    public static final String REPO_PLACEHOLDER = "@M2_REPO@";
    /** System property that overrides the broker jars. */
    public static final String OVERRIDE_PROPERTY = "ares.kafka.classpath";
    /** Environment variable that overrides the broker jars. */
    public static final String OVERRIDE_ENV = "ARES_KAFKA_CLASSPATH";

    private BrokerClasspath() {
    }

    /**
     * Resolves the child classpath.
     *
     * @return existing files and directories, own location first
     * @throws BrokerStartException when the resource is missing or a jar is not in any repository
     */
    public static List<Path> resolve() {
        List<Path> cp = new ArrayList<>();
        cp.add(ownLocation());
        String override = System.getProperty(OVERRIDE_PROPERTY, System.getenv(OVERRIDE_ENV));
        if (override != null && !override.isBlank()) {
            for (String s : override.split(File.pathSeparator)) {
                if (!s.isBlank()) {
                    cp.add(Path.of(s));
                }
            }
            return cp;
        }
        List<String> entries = entries();
        Set<Path> repos = new LinkedHashSet<>();
        String sys = System.getProperty("maven.repo.local");
        if (sys != null && !sys.isBlank()) {
            repos.add(Path.of(sys));
        }
        String built = buildProperties().getProperty("localRepository");
        if (built != null && !built.isBlank() && !built.contains("${")) {
            repos.add(Path.of(built));
        }
        repos.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        List<String> firstMissing = List.of();
        for (Path repo : repos) {
            List<Path> jars = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String e : entries) {
                Path p = Path.of(e.replace(REPO_PLACEHOLDER, repo.toString()));
                if (Files.exists(p)) {
                    jars.add(p);
                } else {
                    missing.add(p.toString());
                }
            }
            if (missing.isEmpty()) {
                cp.addAll(jars);
                return cp;
            }
            if (firstMissing.isEmpty()) {
                firstMissing = missing;
            }
        }
        throw new BrokerStartException("the Kafka broker jars are not in any local Maven repository " + repos
                + "; missing " + firstMissing.size() + " of " + entries.size() + ", e.g. "
                + firstMissing.subList(0, Math.min(3, firstMissing.size()))
                + ". Build the project once with Maven (it downloads them), or set -D" + OVERRIDE_PROPERTY);
    }

    /** The resolved classpath as one string for {@code java -cp}. */
    public static String asString() {
        return String.join(File.pathSeparator, resolve().stream().map(Path::toString).toList());
    }

    static List<String> entries() {
        String text = resourceText(CLASSPATH_RESOURCE);
        List<String> out = new ArrayList<>();
        for (String s : text.strip().split("\\|")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        if (out.stream().noneMatch(s -> s.contains("kafka_2.13"))) {
            throw new BrokerStartException(CLASSPATH_RESOURCE + " does not list kafka_2.13; rebuild ares-kafka-local");
        }
        return out;
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = BrokerClasspath.class.getClassLoader().getResourceAsStream(BUILD_RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new BrokerStartException("cannot read " + BUILD_RESOURCE + ": " + e, e);
        }
        return p;
    }

    private static String resourceText(String name) {
        try (InputStream in = BrokerClasspath.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new BrokerStartException("resource " + name + " is missing from ares-kafka-local; "
                        + "it is written by the Maven build (generate-resources), rebuild the module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BrokerStartException("cannot read " + name + ": " + e, e);
        }
    }

    private static Path ownLocation() {
        try {
            return Path.of(BrokerClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new BrokerStartException("cannot tell where ares-kafka-local was loaded from", e);
        }
    }
}
