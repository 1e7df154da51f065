package io.kanary.bench.scenario;

import io.kanary.bench.AlertRuleFile;
import io.kanary.bench.TempDirs;
import io.kanary.bench.Yaml;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The analysis Flagger (and Argo Rollouts' analysis runs) do as users set them up, on the same
 * traffic streams: the new version's instances expose Micrometer's request counter
 * {@code http_server_requests_seconds_count} by status, Prometheus scrapes them every 15 s, and
 * every check interval the analysis runs the error-ratio query over {@code [1m]}; a check fails when
 * the ratio is above the policy's limit, and the canary is rolled back when the failed checks reach
 * the threshold. Flagger's defaults: interval 60 s, threshold 1 ({@code GetAnalysisInterval},
 * {@code GetAnalysisThreshold} in Flagger's {@code pkg/apis/flagger/v1beta1/canary.go}).
 *
 * <p>The query is evaluated by Prometheus itself: {@code promtool test rules} over the scraped
 * series, the check as an alert rule {@code query > limit} with {@code for: 0s} evaluated at every
 * check, and an alert test at every check expecting nothing, so every failed check shows as a
 * failure promtool reports.
 */
public final class FlaggerAnalysis {
    static final String ALERT = "CanaryCheckFailed";
    static final String COUNTER = TrafficSource.DEFAULT_REQUESTS_METRIC;
    /** The grid the scraped series are written on: divides the 15 s scrape and the 10 s and 60 s checks. */
    static final Duration GRID = Duration.ofSeconds(5);
    private static final Pattern FILE = Pattern.compile("Unit Testing:\\s+(\\S+)");
    private static final Pattern FIRED = Pattern.compile("alertname: " + ALERT + ", time: (\\S+?),");

    /**
     * One way of running the analysis.
     *
     * @param checkInterval  how often the query runs (Flagger's {@code analysis.interval})
     * @param scrapeInterval how often Prometheus scrapes the instances
     * @param range          the query's rate range (Flagger's metric {@code interval})
     * @param maxErrorRatio  a check fails above this ratio
     * @param threshold      failed checks before the rollback (Flagger's {@code analysis.threshold})
     */
    public record Config(String name, Duration checkInterval, Duration scrapeInterval, Duration range,
                         double maxErrorRatio, int threshold) {
        public Config {
            if (checkInterval.toMillis() % GRID.toMillis() != 0 || scrapeInterval.toMillis() % GRID.toMillis() != 0) {
                throw new IllegalArgumentException("check and scrape intervals must be multiples of " + GRID);
            }
            if (threshold < 1) {
                throw new IllegalArgumentException("threshold must be at least 1, was " + threshold);
            }
        }

        /** Flagger's defaults: a check every 60 s, rollback at the first failed one; 15 s scrapes, {@code [1m]}. */
        public static Config flaggerDefault(double maxErrorRatio) {
            return new Config("every 60s", Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofMinutes(1),
                    maxErrorRatio, 1);
        }

        /** As fast as Flagger checks (it raises a shorter interval to 10 s), same threshold. */
        public static Config every10s(double maxErrorRatio) {
            return new Config("every 10s", Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMinutes(1),
                    maxErrorRatio, 1);
        }

        public String query() {
            String range = "[" + PromRule.promDuration(this.range) + "]";
            String version = "version=\"" + ProbeStreamGenerator.CANDIDATE + "\"";
            return "sum(rate(" + COUNTER + "{" + version + ",status=~\"5..\"}" + range + ")) / sum(rate(" + COUNTER
                    + "{" + version + "}" + range + "))";
        }

        public String expr() {
            return query() + " > " + maxErrorRatio;
        }
    }

    private final String promtool;

    public FlaggerAnalysis(String promtool) {
        this.promtool = promtool;
    }

    /** Per stream, ms from its onset to the rollback the analysis orders, or null when it never does. */
    public List<Long> rollbackTimes(List<TrafficStream> streams, Config config) {
        Path dir = TempDirs.create("kanary-flagger");
        try {
            Files.writeString(dir.resolve("rules.yml"), AlertRuleFile.of(ALERT, config.expr(),
                    PromRule.promDuration(config.checkInterval()), "0s").yaml());
            List<String> command = new ArrayList<>(List.of(promtool, "test", "rules"));
            List<Long> zeros = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                TrafficStream stream = streams.get(i);
                SplittableRandom random = new SplittableRandom(stream.seed() * 31 + 11);
                // Where the checks fall against the deployment, and the scrapes against the checks: both by seed.
                long checkPhase = random.nextLong(config.checkInterval().toMillis());
                int scrapeOffset = random.nextInt((int) (config.scrapeInterval().toMillis() / GRID.toMillis()));
                long zero = stream.started().at().toEpochMilli() - checkPhase;
                zeros.add(zero);
                Path test = dir.resolve("stream-" + i + ".yml");
                Files.writeString(test, testFile(stream, config, zero, scrapeOffset));
                command.add(test.toString());
            }
            Map<String, TreeSet<Long>> failed = parse(PromtoolJudge.run(command, dir));
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                TreeSet<Long> checks = failed.getOrDefault(dir.resolve("stream-" + i + ".yml").toString(), new TreeSet<>());
                Long decisive = checks.size() < config.threshold() ? null
                        : checks.stream().skip(config.threshold() - 1).findFirst().orElseThrow();
                times.add(decisive == null ? null : zeros.get(i) + decisive - streams.get(i).onset().toEpochMilli());
            }
            return times;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempDirs.delete(dir);
        }
    }

    /**
     * The new version's instances' counters as Prometheus scrapes them (time 0 at {@code zero}): a
     * value every scrape interval from the {@code scrapeOffset}-th grid point on, {@code _} between
     * scrapes, before the deployment and while an instance is down; an alert test at every check.
     */
    static String testFile(TrafficStream stream, Config config, long zero, int scrapeOffset) {
        long grid = GRID.toMillis();
        long deployed = stream.started().at().toEpochMilli();
        long onset = stream.onset().toEpochMilli();
        long end = stream.end().toEpochMilli();
        int points = (int) ((end - zero) / grid) + 1;
        long scrapeEvery = config.scrapeInterval().toMillis() / grid;
        List<PromtoolJudge.InputSeries> series = new ArrayList<>();
        for (String host : stream.hostsOf(ProbeStreamGenerator.CANDIDATE)) {
            List<TrafficSample> samples = stream.samplesOf(ProbeStreamGenerator.CANDIDATE).stream()
                    .filter(s -> s.hostId().equals(host)).toList();
            StringBuilder ok = new StringBuilder();
            StringBuilder errors = new StringBuilder();
            int next = 0;
            long okCount = 0;
            long errorCount = 0;
            for (int k = 0; k < points; k++) {
                long at = zero + k * grid;
                while (next < samples.size() && samples.get(next).intervalEnd().toEpochMilli() <= at) {
                    okCount += samples.get(next).requests() - samples.get(next).errors();
                    errorCount += samples.get(next).errors();
                    next++;
                }
                boolean scraped = k % scrapeEvery == scrapeOffset % scrapeEvery && at >= deployed
                        && !stream.scenario().candidate().down(at - onset);
                ok.append(scraped ? Long.toString(okCount) : "_").append(' ');
                errors.append(scraped ? Long.toString(errorCount) : "_").append(' ');
            }
            String labels = "version=\"" + ProbeStreamGenerator.CANDIDATE + "\",instance=\"" + host + "\"";
            series.add(new PromtoolJudge.InputSeries(COUNTER + "{" + labels + ",status=\"200\"}", ok.toString().trim()));
            series.add(new PromtoolJudge.InputSeries(COUNTER + "{" + labels + ",status=\"500\"}", errors.toString().trim()));
        }
        long check = config.checkInterval().toMillis();
        List<PromtoolJudge.AlertTest> checks = new ArrayList<>();
        for (long t = check; zero + t <= end; t += check) {
            checks.add(new PromtoolJudge.AlertTest(t / 1000 + "s", ALERT, List.of()));
        }
        String interval = PromRule.promDuration(GRID);
        return Yaml.write(new PromtoolJudge.RuleTestFile(List.of("rules.yml"), PromRule.promDuration(config.checkInterval()),
                List.of(new PromtoolJudge.RuleTest(interval, series, checks))));
    }

    /** For each test file, the times (ms) of its checks at which the alert was firing: its failed checks. */
    static Map<String, TreeSet<Long>> parse(String output) {
        Map<String, TreeSet<Long>> failed = new TreeMap<>();
        String file = null;
        for (String line : output.lines().toList()) {
            Matcher f = FILE.matcher(line);
            if (f.find()) {
                file = f.group(1);
                continue;
            }
            Matcher fired = FIRED.matcher(line);
            if (file != null && fired.find()) {
                failed.computeIfAbsent(file, x -> new TreeSet<>()).add(PromtoolJudge.millis(fired.group(1)));
            }
        }
        return failed;
    }
}
