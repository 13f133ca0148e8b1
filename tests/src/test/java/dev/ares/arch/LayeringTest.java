package dev.ares.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of the house (architecture.md §2), checked on the compiled main classes of every module:
 * core imports no framework; model imports DJL but no Quarkus or Kafka; reward-service needs no DJL; the
 * services never import each other.
 */
class LayeringTest {
    private static final List<String> MODULES = List.of("services/core", "services/model", "rollout-service",
            "reward-service", "learner-service", "inference-service");
    private static JavaClasses classes;

    @BeforeAll
    static void importAll() {
        Path repo = Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
        ClassFileImporter importer = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
        Path[] dirs = MODULES.stream().map(m -> repo.resolve(m).resolve("target/classes")).toArray(Path[]::new);
        for (Path d : dirs) {
            assertTrue(Files.isDirectory(d), "compiled classes missing: " + d);
        }
        classes = importer.importPaths(dirs);
    }

    @Test
    void coreImportsNoFramework() {
        noClasses().that().resideInAPackage("dev.ares.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "org.apache.kafka..", "ai.djl..",
                        "jakarta..", "io.smallrye..", "org.eclipse.microprofile..", "dev.ares.model..")
                .check(classes);
    }

    @Test
    void modelImportsNoQuarkusOrKafka() {
        noClasses().that().resideInAPackage("dev.ares.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "org.apache.kafka..", "jakarta..",
                        "io.smallrye..", "org.eclipse.microprofile..")
                .check(classes);
    }

    @Test
    void rewardServiceNeedsNoDjl() {
        noClasses().that().resideInAPackage("dev.ares.reward..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "dev.ares.model..")
                .check(classes);
    }

    @Test
    void servicesNeverImportEachOther() {
        String[] services = {"dev.ares.rollout..", "dev.ares.reward..", "dev.ares.learner..", "dev.ares.inference.."};
        for (String s : services) {
            String[] others = java.util.Arrays.stream(services).filter(o -> !o.equals(s)).toArray(String[]::new);
            noClasses().that().resideInAPackage(s).should().dependOnClassesThat().resideInAnyPackage(others).check(classes);
        }
    }
}
