package io.kanary.bench.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** promtool itself checks infra/prometheus: the scrape configuration, the alert rules and their unit tests. */
class AlertRulesIT {
    private static final String RULES = "prometheus/kanary-alerts.yml";

    @Test
    void shouldAcceptTheEmbeddedModeConfigurationWithItsRules() {
        Promtool.Result result = Promtool.require().checkConfig(InfraDir.file("prometheus/prometheus.yml"));

        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("SUCCESS: 1 rule files found"), result.output());
    }

    @Test
    void shouldAcceptTheSplitModeConfigurationOnceUncommented(@TempDir Path dir) throws IOException {
        Promtool promtool = Promtool.require();
        Files.writeString(dir.resolve("prometheus.yml"), SplitModeConfig.of(InfraDir.read("prometheus/prometheus.yml")));
        Files.copy(InfraDir.file(RULES), dir.resolve("kanary-alerts.yml"));

        Promtool.Result result = promtool.checkConfig(dir.resolve("prometheus.yml"));

        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("SUCCESS: 1 rule files found"), result.output());
    }

    @Test
    void shouldAcceptTheAlertRules() {
        Promtool.Result result = Promtool.require().checkRules(InfraDir.file(RULES));

        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("SUCCESS: 7 rules found"), result.output());
    }

    @Test
    void shouldPassEveryUnitTestOfTheAlertRules() {
        Promtool.Result result = Promtool.require().testRules(InfraDir.file("prometheus/kanary-alerts.test.yml"));

        assertTrue(result.succeeded(), result.output());
        assertEquals("SUCCESS", result.output().lines().map(String::strip).filter(l -> !l.isEmpty())
                .reduce((first, second) -> second).orElse(""), result.output());
    }

    /** The unit tests have teeth: an executor alert that waits for 5 minutes of silence instead of 30 s fails them. */
    @Test
    void shouldFailTheUnitTestsWhenARuleLosesItsThreshold(@TempDir Path dir) throws IOException {
        Promtool promtool = Promtool.require();
        String rules = InfraDir.read(RULES);
        String loosened = rules.replace("kanary_host_heartbeat_age_seconds > 30", "kanary_host_heartbeat_age_seconds > 300");
        assertFalse(rules.equals(loosened), "the executor alert's threshold moved; update this test");
        Files.writeString(dir.resolve("kanary-alerts.yml"), loosened);
        Files.copy(InfraDir.file("prometheus/kanary-alerts.test.yml"), dir.resolve("kanary-alerts.test.yml"));

        Promtool.Result result = promtool.testRules(dir.resolve("kanary-alerts.test.yml"));

        assertFalse(result.succeeded(), result.output());
        assertTrue(result.output().contains("alertname: KanaryExecutorSilent"), result.output());
    }
}
