package io.kanary.bench.scenario;

import io.kanary.bench.AlertRuleFile;
import io.kanary.bench.TempDirs;
import io.kanary.bench.Yaml;
import io.kanary.schema.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges the same probe streams with Prometheus's own rule evaluator: {@code promtool test rules}
 * (Debian's {@code prometheus} package). Each stream becomes what an exporter replaying it would
 * expose — counters {@code kanary_probes_total} and {@code kanary_probe_errors_total} of the new
 * version — sampled every scrape interval from a random phase (seeded) relative to the deployment;
 * the rule is evaluated on the same grid, and an alert test at every evaluation expects no firing
 * alert, so the first failure promtool reports is the moment the alert fires.
 *
 * <p>This is promtool's evaluator over input series in virtual time, not a scraping server: scrape
 * and evaluation share one phase, there is no scrape latency or jitter, and Alertmanager's
 * {@code group_wait} (30 s at the usual settings) comes on top of the time to fire.
 */
public final class PromtoolJudge {
    static final String ALERT = "CanaryErrorRate";
    private static final Pattern FILE = Pattern.compile("Unit Testing:\\s+(\\S+)");
    private static final Pattern FIRED = Pattern.compile("alertname: " + ALERT + ", time: (\\S+?),");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");
    private final String promtool;

    /** Per seed: ms from onset to the alert firing under each rule, null when it never fired. */
    public record Firing(Long seeds, Long tuned) {
    }

    public PromtoolJudge(String promtool) {
        this.promtool = promtool;
    }

    public String version() {
        return run(List.of(promtool, "--version"), null).lines().findFirst().orElse("?");
    }

    public List<Firing> judge(Scenario scenario, int runs) {
        List<ProbeStream> streams = new ArrayList<>();
        for (long seed = 1; seed <= runs; seed++) {
            streams.add(ProbeStreamGenerator.generate(scenario, seed));
        }
        List<Long> seeds = fireTimes(streams, PromRule.SEEDS);
        List<Long> tuned = fireTimes(streams, PromRule.TUNED);
        List<Firing> firings = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            firings.add(new Firing(seeds.get(i), tuned.get(i)));
        }
        return firings;
    }

    /** Per stream, ms from its onset to the rule's alert firing, or null. */
    public List<Long> fireTimes(List<ProbeStream> streams, PromRule rule) {
        Path dir = TempDirs.create("kanary-promtool");
        try {
            Files.writeString(dir.resolve("rules.yml"), rulesFile(rule));
            List<String> command = new ArrayList<>(List.of(promtool, "test", "rules"));
            List<Long> phases = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                ProbeStream stream = streams.get(i);
                long phase = new SplittableRandom(stream.seed() * 31 + 7).nextLong(rule.interval().toMillis());
                phases.add(phase);
                Path test = dir.resolve("stream-" + i + ".yml");
                Files.writeString(test, testFile(stream, rule, phase));
                command.add(test.toString());
            }
            Map<String, Long> firstFiring = parse(run(command, dir));
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                Long promTime = firstFiring.get(dir.resolve("stream-" + i + ".yml").toString());
                ProbeStream stream = streams.get(i);
                // promtool's time 0 is the deployment's start minus the scrape phase.
                times.add(promTime == null ? null : promTime - phases.get(i)
                        - Duration.between(stream.started().at(), stream.onset()).toMillis());
            }
            return times;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempDirs.delete(dir);
        }
    }

    static String rulesFile(PromRule rule) {
        return AlertRuleFile.of(ALERT, rule.expr(), PromRule.promDuration(rule.interval()),
                PromRule.promDuration(rule.forDuration())).yaml();
    }

    /** The stream as scraped counters, and an alert test at every evaluation expecting nothing to fire. */
    static String testFile(ProbeStream stream, PromRule rule, long phaseMs) {
        long step = rule.interval().toMillis();
        long zero = stream.started().at().toEpochMilli() - phaseMs;
        long end = stream.end().toEpochMilli();
        List<ProbeResult> probes = stream.of(ProbeStreamGenerator.CANDIDATE);
        StringBuilder requests = new StringBuilder();
        StringBuilder errors = new StringBuilder();
        int next = 0;
        long requestCount = 0;
        long errorCount = 0;
        int samples = (int) ((end - zero) / step) + 1;
        for (int k = 0; k < samples; k++) {
            long at = zero + k * step;
            while (next < probes.size() && probes.get(next).probedAt().toEpochMilli() <= at) {
                requestCount++;
                errorCount += probes.get(next).ok() ? 0 : 1;
                next++;
            }
            boolean exporterUp = at >= stream.started().at().toEpochMilli();
            requests.append(exporterUp ? Long.toString(requestCount) : "_").append(' ');
            errors.append(exporterUp ? Long.toString(errorCount) : "_").append(' ');
        }
        String interval = PromRule.promDuration(rule.interval());
        String candidate = "{version=\"" + ProbeStreamGenerator.CANDIDATE + "\"}";
        List<AlertTest> alertTests = new ArrayList<>();
        for (int k = 1; k < samples; k++) {
            alertTests.add(new AlertTest(k * step / 1000 + "s", ALERT, List.of()));
        }
        return Yaml.write(new RuleTestFile(List.of("rules.yml"), interval, List.of(new RuleTest(interval,
                List.of(new InputSeries("kanary_probes_total" + candidate, requests.toString().trim()),
                        new InputSeries("kanary_probe_errors_total" + candidate, errors.toString().trim())),
                alertTests))));
    }

    /** A promtool rule-test file: {@code promtool test rules} reads it. */
    record RuleTestFile(List<String> ruleFiles, String evaluationInterval, List<RuleTest> tests) {
    }

    record RuleTest(String interval, List<InputSeries> inputSeries, List<AlertTest> alertRuleTest) {
    }

    /** A series and its samples in promtool's notation: one per interval, {@code _} for none. */
    record InputSeries(String series, String values) {
    }

    /** At {@code evalTime}, the alert is expected to fire with {@code expAlerts} (none: any firing fails the test). */
    record AlertTest(String evalTime, String alertname, List<Object> expAlerts) {
    }

    /** For each test file promtool reports a failure in, the first time (ms) the alert was firing. */
    static Map<String, Long> parse(String output) {
        Map<String, Long> first = new TreeMap<>();
        String file = null;
        for (String line : output.lines().toList()) {
            Matcher f = FILE.matcher(line);
            if (f.find()) {
                file = f.group(1);
                continue;
            }
            Matcher fired = FIRED.matcher(line);
            if (file != null && fired.find()) {
                first.merge(file, millis(fired.group(1)), Math::min);
            }
        }
        return first;
    }

    static long millis(String promDuration) {
        Matcher m = PART.matcher(promDuration);
        long ms = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1_000;
                default -> n;
            };
        }
        return ms;
    }

    static String run(List<String> command, Path dir) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("promtool did not finish in 10 minutes");
            }
            // Exit 1 is "some test failed", which is how a firing alert shows; anything else is promtool failing.
            if (process.exitValue() > 1 || (process.exitValue() == 1 && !output.contains("Unit Testing"))) {
                throw new IllegalStateException("promtool failed (" + process.exitValue() + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0)
                    + " (install Debian's prometheus package, or pass --promtool PATH / --prometheus-runs 0)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while promtool ran", e);
        }
    }


}
