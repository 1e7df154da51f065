package io.kanary.bench.prometheus;

import io.kanary.bench.AlertRuleFile;
import io.kanary.bench.Yaml;
import io.kanary.bench.scenario.PromRule;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one Prometheus server is told: scrape the replay exporter and evaluate one alert rule, both
 * every {@code interval}. Writes its {@code prometheus.yml} and rules file.
 *
 * @param name        how the bench calls it ({@code seeds}, {@code tuned})
 * @param alert       the alert's name
 * @param expr        the PromQL expression; it keeps the series' {@code run} label, so each run alerts alone
 * @param forDuration how long the expression must hold before the alert fires
 */
public record PrometheusSetup(String name, Duration interval, String alert, String expr, Duration forDuration) {
    public static final String ALERT = "CanaryErrorRate";
    static final String JOB = "kanary-replay";
    /** Prometheus's own default; a shorter interval needs a timeout no longer than itself. */
    private static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofSeconds(10);

    public PrometheusSetup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expr, "expr");
        if (interval.toMillis() < 1000 || interval.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("interval must be whole seconds, was " + interval);
        }
    }

    /**
     * The rule a team would write today, as the promtool comparison has it: {@code rate(errors[range])
     * / rate(probes[range]) > limit}; both counters carry {@code run} and {@code version} (and the
     * scrape's {@code job} and {@code instance}), so the division pairs each run with itself.
     */
    public static PrometheusSetup of(PromRule rule) {
        return new PrometheusSetup(rule.name(), rule.interval(), ALERT, rule.expr(), rule.forDuration());
    }

    /** The server's configuration: scrape {@code target} and evaluate {@code rulesFile}, every {@link #interval}. */
    public String prometheusYml(String target, String rulesFile) {
        String every = duration(interval);
        String timeout = duration(interval.compareTo(DEFAULT_SCRAPE_TIMEOUT) < 0 ? interval : DEFAULT_SCRAPE_TIMEOUT);
        return Yaml.write(new PrometheusYml(new Global(every, timeout, every), List.of(rulesFile),
                List.of(new ScrapeConfig(JOB, List.of(new StaticConfig(List.of(target)))))));
    }

    public String rulesYml() {
        return AlertRuleFile.of(alert, expr, duration(interval), duration(forDuration)).yaml();
    }

    /** {@code prometheus.yml}, with what the bench sets of it. */
    record PrometheusYml(Global global, List<String> ruleFiles, List<ScrapeConfig> scrapeConfigs) {
    }

    record Global(String scrapeInterval, String scrapeTimeout, String evaluationInterval) {
    }

    record ScrapeConfig(String jobName, List<StaticConfig> staticConfigs) {
    }

    record StaticConfig(List<String> targets) {
    }

    /** {@code 1m30s}-style, as Prometheus writes durations (whole seconds). */
    static String duration(Duration d) {
        return PromRule.promDuration(d);
    }
}
