package io.kanary.bench.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.AlertRuleFile;
import io.kanary.bench.Yaml;
import io.kanary.bench.scenario.PromRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusSetupTest {
    @Test
    void shouldWriteTheSeedsRuleWithItsIntervalAndFor() {
        PrometheusSetup seeds = PrometheusSetup.of(PromRule.SEEDS);

        assertEquals("""
                groups:
                  - name: canary
                    interval: 15s
                    rules:
                      - alert: CanaryErrorRate
                        expr: "rate(kanary_probe_errors_total{version=\\"v2\\"}[5m]) / rate(kanary_probes_total{version=\\"v2\\"}[5m]) > 0.05"
                        for: 2m
                """, seeds.rulesYml());
    }

    @Test
    void shouldScrapeAndEvaluateEveryIntervalWithATimeoutNoLongerThanIt() {
        String tuned = PrometheusSetup.of(PromRule.TUNED).prometheusYml("127.0.0.1:4321", "rules.yml");

        assertEquals("""
                global:
                  scrape_interval: 5s
                  scrape_timeout: 5s
                  evaluation_interval: 5s
                rule_files:
                  - rules.yml
                scrape_configs:
                  - job_name: kanary-replay
                    static_configs:
                      - targets:
                          - 127.0.0.1:4321
                """, tuned);
        assertTrue(PrometheusSetup.of(PromRule.SEEDS).prometheusYml("h:1", "r.yml").contains("scrape_timeout: 10s\n"));
        assertTrue(PrometheusSetup.of(PromRule.TUNED).rulesYml().contains("[30s]) > 0.05\"\n        for: 0s\n"));
    }

    @Test
    void shouldWriteDurationsAsPrometheusDoes() {
        assertEquals("0s", PrometheusSetup.duration(Duration.ZERO));
        assertEquals("2m", PrometheusSetup.duration(Duration.ofMinutes(2)));
        assertEquals("1m30s", PrometheusSetup.duration(Duration.ofSeconds(90)));
    }

    @Test
    void shouldKeepAnExpressionsQuotesAsTheyAre() {
        String expr = "up{job='x', env=\"prod\"} > 0 # it's \\ a: test";
        PrometheusSetup quoting = new PrometheusSetup("q", Duration.ofSeconds(1), "A", expr, Duration.ZERO);

        AlertRuleFile read = Yaml.read(quoting.rulesYml(), AlertRuleFile.class);

        assertEquals(AlertRuleFile.of("A", expr, "1s", "0s"), read);
    }

    @Test
    void shouldWriteFilesPromtoolAccepts(@TempDir Path dir) throws Exception {
        String promtool = PrometheusBinaries.require(PrometheusBinaries.PROMTOOL);
        for (PromRule rule : List.of(PromRule.SEEDS, PromRule.TUNED)) {
            PrometheusSetup setup = PrometheusSetup.of(rule);
            Files.writeString(dir.resolve("rules.yml"), setup.rulesYml());
            Files.writeString(dir.resolve("prometheus.yml"), setup.prometheusYml("127.0.0.1:9", "rules.yml"));

            Process check = new ProcessBuilder(promtool, "check", "config", dir.resolve("prometheus.yml").toString())
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool check config did not finish");
            assertEquals(0, check.exitValue(), output);
            assertTrue(output.contains("SUCCESS: 1 rules found"), output);
        }
    }
}
