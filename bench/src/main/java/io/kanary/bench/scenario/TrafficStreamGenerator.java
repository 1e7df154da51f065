package io.kanary.bench.scenario;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Turns a {@link TrafficScenario} and a seed into a {@link TrafficStream}, the same stream for the
 * same seed. Each instance's metrics are read once a second from a random phase; in each second it
 * serves a Poisson (or fixed) number of requests spread evenly over the second, each failing (HTTP
 * 5xx) with its version's error rate at that moment, its latency log-normal as the probes' (median
 * 80 ms, σ 0.49) times the version's latency factor, counted in the common buckets 5 ms … 5 s.
 * While an instance is down it serves nothing and its metrics cannot be read: that second has no
 * sample. The probes beside them come from {@link ProbeStreamGenerator}'s own per-host generator.
 */
public final class TrafficStreamGenerator {
    /** Upper bounds of the latency buckets in ms: Micrometer's and the Prometheus clients' usual 5 ms … 5 s. */
    public static final List<Double> BUCKETS_MS = List.of(5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0,
            5_000.0);
    static final long SAMPLE_INTERVAL_MS = 1_000;
    static final String SOURCE = "scrape";

    private TrafficStreamGenerator() {
    }

    public static TrafficStream generate(TrafficScenario scenario, long seed) {
        long mixed = seed * 0x9E3779B97F4A7C15L ^ scenario.name().hashCode();
        RandomGenerator random = new Well19937c(new int[] {(int) mixed, (int) (mixed >>> 32)});
        Instant deployed = ProbeStreamGenerator.T0;
        Instant onset = deployed.plus(scenario.warmup());
        Instant end = onset.plus(scenario.horizon());
        Map<String, String> versionOf = hosts(scenario.instances());
        List<TrafficSample> samples = new ArrayList<>();
        versionOf.forEach((host, version) -> serve(samples, random, scenario, version, host, behaviour(scenario, version),
                deployed, onset, end, seed));
        samples.sort(Comparator.comparing(TrafficSample::intervalEnd).thenComparing(TrafficSample::hostId));

        SplittableRandom probeRandom = new SplittableRandom(mixed + 1);
        List<ProbeResult> probes = new ArrayList<>();
        versionOf.forEach((host, version) -> ProbeStreamGenerator.probeHost(probes, probeRandom,
                scenario.probesPerSecond(), version, host, behaviour(scenario, version), scenario.instances(), deployed,
                onset, end));
        probes.sort(Comparator.comparing(ProbeResult::probedAt).thenComparing(ProbeResult::hostId));
        List<ProbeResult> numbered = new ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            ProbeResult p = probes.get(i);
            numbered.add(new ProbeResult("probe-" + seed + "-" + i, p.schemaVersion(), p.service(), p.version(),
                    p.hostId(), p.instanceId(), p.ok(), p.statusCode(), p.latencyMs(), p.probedAt(), p.error()));
        }

        List<String> candidates = versionOf.entrySet().stream()
                .filter(e -> e.getValue().equals(ProbeStreamGenerator.CANDIDATE)).map(Map.Entry::getKey).toList();
        List<String> baselines = versionOf.entrySet().stream()
                .filter(e -> e.getValue().equals(ProbeStreamGenerator.BASELINE)).map(Map.Entry::getKey).toList();
        Map<String, String> previous = new LinkedHashMap<>();
        candidates.forEach(h -> previous.put(h, ProbeStreamGenerator.BASELINE));
        DeploymentEvent.Started started = new DeploymentEvent.Started("deploy-" + scenario.name() + "-" + seed,
                KanaryEvent.SCHEMA_VERSION, "d-" + scenario.name() + "-" + seed, ProbeStreamGenerator.SERVICE,
                ProbeStreamGenerator.CANDIDATE, ProbeStreamGenerator.BASELINE, previous, null, scenario.policy(),
                List.of(candidates, baselines), "scenario-bench", deployed);
        return new TrafficStream(scenario, seed, started, onset, end, samples, numbered);
    }

    /** host-1..n run the baseline, host-(n+1)..2n the new version. */
    static Map<String, String> hosts(int instances) {
        Map<String, String> versionOf = new LinkedHashMap<>();
        IntStream.rangeClosed(1, 2 * instances).forEach(i -> versionOf.put("host-" + i,
                i <= instances ? ProbeStreamGenerator.BASELINE : ProbeStreamGenerator.CANDIDATE));
        return versionOf;
    }

    private static Behaviour behaviour(TrafficScenario scenario, String version) {
        return version.equals(ProbeStreamGenerator.CANDIDATE) ? scenario.candidate() : scenario.baseline();
    }

    private static void serve(List<TrafficSample> out, RandomGenerator random, TrafficScenario scenario, String version,
                              String host, Behaviour behaviour, Instant from, Instant onset, Instant end, long seed) {
        PoissonDistribution poisson = new PoissonDistribution(random, scenario.requestsPerSecond(),
                PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        long phase = (long) (random.nextDouble() * SAMPLE_INTERVAL_MS);
        long onsetMs = onset.toEpochMilli();
        long endMs = end.toEpochMilli();
        for (long start = from.toEpochMilli() + phase; start + SAMPLE_INTERVAL_MS <= endMs; start += SAMPLE_INTERVAL_MS) {
            long stop = start + SAMPLE_INTERVAL_MS;
            int offered = scenario.poisson() ? poisson.sample() : (int) Math.round(scenario.requestsPerSecond());
            long requests = 0;
            long errors = 0;
            long[] buckets = new long[BUCKETS_MS.size()];
            for (int i = 0; i < offered; i++) {
                long since = start + (SAMPLE_INTERVAL_MS * i + SAMPLE_INTERVAL_MS / 2) / offered - onsetMs;
                double latency = ProbeStreamGenerator.LATENCY_MEDIAN_MS
                        * Math.exp(ProbeStreamGenerator.LATENCY_SIGMA * random.nextGaussian())
                        * behaviour.latencyFactor(since);
                boolean failed = random.nextDouble() < behaviour.errorRate(since);
                if (behaviour.down(since)) {
                    continue; // refused before it reached the server: its metrics never count it
                }
                requests++;
                errors += failed ? 1 : 0;
                for (int b = 0; b < buckets.length; b++) {
                    buckets[b] += latency <= BUCKETS_MS.get(b) ? 1 : 0;
                }
            }
            if (behaviour.down(stop - onsetMs)) {
                continue; // a down instance's metrics endpoint does not answer
            }
            List<TrafficSample.LatencyBucket> latency = new ArrayList<>();
            for (int b = 0; b < buckets.length; b++) {
                latency.add(new TrafficSample.LatencyBucket(BUCKETS_MS.get(b), buckets[b]));
            }
            out.add(new TrafficSample("traffic-" + seed + "-" + host + "-" + start, KanaryEvent.SCHEMA_VERSION,
                    ProbeStreamGenerator.SERVICE, version, host, "i-" + version + "-" + host, SOURCE,
                    Instant.ofEpochMilli(start), Instant.ofEpochMilli(stop), requests, errors, latency));
        }
    }
}
