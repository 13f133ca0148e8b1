package dev.ares.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.Rewards;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code ares.reward.*} to {@link AepoConfig}: unset keys keep the spec §16 defaults, bad values name the key. */
class AepoSettingsTest {

    @Test
    void defaultsAreTheReadingsDefaults() {
        assertEquals(AepoConfig.code(), AepoSettings.build("code", Optional.empty(), Optional.empty(), Optional.empty(),
                true, "accuracy", 0.0));
        assertEquals(AepoConfig.paper(), AepoSettings.build(" PAPER ", Optional.empty(), Optional.empty(),
                Optional.empty(), true, "accuracy", 0.0));
    }

    @Test
    void grpoModeIsThePlainBaselineEvenWithTheFilterKeyAtItsDefault() {
        AepoConfig c = AepoSettings.build("grpo", Optional.empty(), Optional.empty(), Optional.empty(), true, "accuracy",
                0.0);
        assertEquals(AepoConfig.grpo(), c);
        assertEquals(false, c.reward().filterEnabled());
        assertEquals(0.0, c.reward().alphaMax());
    }

    @Test
    void setKeysChangeOnlyTheirPart() {
        AepoConfig c = AepoSettings.build("code", Optional.of(6), Optional.of(1.5), Optional.of(0.9), false, "overall",
                0.1);
        assertEquals(6, c.window());
        assertEquals(1.5, c.threshold().fixedTau());
        assertEquals(0.9, c.threshold().emaDecay());
        assertEquals(false, c.reward().filterEnabled());
        assertEquals(Rewards.FilterKey.OVERALL, c.reward().filterKey());
        assertEquals(0.1, c.reward().formatWeight());
        assertEquals(AepoConfig.code().reward().alphaLr(), c.reward().alphaLr());
        assertEquals(AepoConfig.code().threshold().quantile(), c.threshold().quantile());
    }

    private static void rejects(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void badValuesNameTheProperty() {
        rejects("ares.reward.mode must be code, paper or grpo, got 'ppo'", () -> AepoSettings.build("ppo", Optional.empty(),
                Optional.empty(), Optional.empty(), true, "accuracy", 0));
        rejects("ares.reward.window must be > 0, got 0", () -> AepoSettings.build("code", Optional.of(0),
                Optional.empty(), Optional.empty(), true, "accuracy", 0));
        rejects("ares.reward.tau must be finite and >= 0", () -> AepoSettings.build("code", Optional.empty(),
                Optional.of(-1.0), Optional.empty(), true, "accuracy", 0));
        rejects("ares.reward.threshold-ema-decay must be in [0, 1]", () -> AepoSettings.build("code",
                Optional.empty(), Optional.empty(), Optional.of(1.5), true, "accuracy", 0));
        rejects("ares.reward.filter.key must be accuracy or overall, got 'reward'", () -> AepoSettings.build("code",
                Optional.empty(), Optional.empty(), Optional.empty(), true, "reward", 0));
        rejects("ares.reward.format-weight must be finite", () -> AepoSettings.build("code", Optional.empty(),
                Optional.empty(), Optional.empty(), true, "accuracy", Double.NaN));
    }
}
