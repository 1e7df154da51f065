package io.kanary.bench.scenario;

import java.time.Duration;

/**
 * An error-rate alert rule as a team would write it for Prometheus:
 * {@code rate(errors[range]) / rate(requests[range]) > maxErrorRate for: forDuration}, scraped and
 * evaluated every {@code interval}.
 */
public record PromRule(String name, Duration interval, Duration range, Duration forDuration, double maxErrorRate) {
    /** The seeds' rule: 5% over a 5-minute rate for 2 minutes, 15 s scrape and evaluation. */
    public static final PromRule SEEDS = new PromRule("seeds", Duration.ofSeconds(15), Duration.ofMinutes(5),
            Duration.ofMinutes(2), 0.05);
    /** Tuned for speed: 5 s scrape and evaluation, a 30-second rate, firing at once. */
    public static final PromRule TUNED = new PromRule("tuned", Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ZERO, 0.05);

    public String expr() {
        String range = "[" + promDuration(this.range) + "]";
        return "rate(kanary_probe_errors_total{version=\"" + ProbeStreamGenerator.CANDIDATE + "\"}" + range + ")"
                + " / rate(kanary_probes_total{version=\"" + ProbeStreamGenerator.CANDIDATE + "\"}" + range + ")"
                + " > " + maxErrorRate;
    }

    /** {@code 1m30s}-style, as Prometheus writes durations (whole seconds). */
    public static String promDuration(Duration d) {
        long s = d.toSeconds();
        return s == 0 ? "0s" : (s >= 60 ? (s / 60) + "m" : "") + (s % 60 != 0 ? (s % 60) + "s" : "");
    }
}
