package io.kanary.bench.scenario;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Turns a {@link Scenario} and a seed into a {@link ProbeStream}, the same stream for the same
 * seed. Each host is probed periodically (its version's rate shared among its hosts) from a random
 * phase with ±5% jitter; a probe fails with its version's error rate at that moment (HTTP 500), or
 * with status 0 while its host is down. Latencies are log-normal, median 80 ms and p99 ~250 ms
 * (σ = 0.49, times the version's latency spread), times the version's latency factor.
 */
public final class ProbeStreamGenerator {
    public static final String SERVICE = "checkout";
    public static final String BASELINE = "v1";
    public static final String CANDIDATE = "v2";
    /** Every run starts here, so that probe times, and so detection times, repeat exactly. */
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final double LATENCY_MEDIAN_MS = 80;
    static final double LATENCY_SIGMA = 0.49;
    static final double JITTER = 0.05;

    private ProbeStreamGenerator() {
    }

    public static ProbeStream generate(Scenario scenario, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ scenario.name().hashCode());
        Instant deployed = T0.plus(scenario.history());
        Instant onset = deployed.plus(scenario.warmup());
        Instant end = onset.plus(scenario.horizon());
        List<String> hosts = IntStream.rangeClosed(1, scenario.hosts()).mapToObj(i -> "host-" + i).toList();
        String canaryHost = hosts.get(hosts.size() - 1);
        List<String> baselineHosts = hosts.subList(0, hosts.size() - 1);

        List<ProbeResult> probes = new ArrayList<>();
        for (String host : baselineHosts) {
            probeHost(probes, random, scenario, BASELINE, host, scenario.baseline(), baselineHosts.size(), T0, onset, end);
        }
        probeHost(probes, random, scenario, CANDIDATE, canaryHost, scenario.candidate(), 1, deployed, onset, end);
        probes.sort(Comparator.comparing(ProbeResult::probedAt).thenComparing(ProbeResult::hostId));
        List<ProbeResult> numbered = new ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            ProbeResult p = probes.get(i);
            numbered.add(new ProbeResult("probe-" + seed + "-" + i, p.schemaVersion(), p.service(), p.version(),
                    p.hostId(), p.instanceId(), p.ok(), p.statusCode(), p.latencyMs(), p.probedAt(), p.error()));
        }
        DeploymentEvent.Started started = new DeploymentEvent.Started("deploy-" + scenario.name() + "-" + seed,
                KanaryEvent.SCHEMA_VERSION, "d-" + scenario.name() + "-" + seed, SERVICE, CANDIDATE, BASELINE,
                Map.of(canaryHost, BASELINE), null, scenario.policy(), List.of(List.of(canaryHost), baselineHosts),
                "scenario-bench", deployed);
        return new ProbeStream(scenario, seed, started, onset, end, numbered);
    }

    private static void probeHost(List<ProbeResult> out, SplittableRandom random, Scenario scenario, String version,
                                  String host, Behaviour behaviour, int hostsOfVersion, Instant from, Instant onset,
                                  Instant end) {
        probeHost(out, random, scenario.probesPerSecond(), version, host, behaviour, hostsOfVersion, from, onset, end);
    }

    /** One host's probes, its version probed at {@code probesPerSecond} shared among its {@code hostsOfVersion} hosts. */
    static void probeHost(List<ProbeResult> out, SplittableRandom random, double probesPerSecond, String version,
                          String host, Behaviour behaviour, int hostsOfVersion, Instant from, Instant onset,
                          Instant end) {
        double intervalMs = 1000.0 * hostsOfVersion / probesPerSecond;
        double phase = random.nextDouble() * intervalMs;
        long startMs = from.toEpochMilli();
        long onsetMs = onset.toEpochMilli();
        long endMs = end.toEpochMilli();
        for (long k = 0; ; k++) {
            double jitter = (random.nextDouble() * 2 - 1) * JITTER * intervalMs;
            long at = startMs + Math.max(0, Math.round(phase + k * intervalMs + jitter));
            if (at > endMs) {
                return;
            }
            long since = at - onsetMs;
            double latency = LATENCY_MEDIAN_MS * Math.exp(LATENCY_SIGMA * behaviour.latencySpread(since) * gaussian(random))
                    * behaviour.latencyFactor(since);
            boolean failed = random.nextDouble() < behaviour.errorRate(since);
            ProbeResult probe;
            if (behaviour.down(since)) {
                probe = new ProbeResult(null, KanaryEvent.SCHEMA_VERSION, SERVICE, version, host, "i-" + version + "-" + host,
                        false, 0, 1, Instant.ofEpochMilli(at), "connection refused");
            } else {
                probe = new ProbeResult(null, KanaryEvent.SCHEMA_VERSION, SERVICE, version, host, "i-" + version + "-" + host,
                        !failed, failed ? 500 : 200, Math.round(latency), Instant.ofEpochMilli(at), null);
            }
            out.add(probe);
        }
    }

    /** A standard normal draw (Box-Muller), from {@code random} only, so a seed fixes it. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
