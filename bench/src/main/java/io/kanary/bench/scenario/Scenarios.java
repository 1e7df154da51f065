package io.kanary.bench.scenario;

import java.time.Duration;
import java.util.List;

/** The benchmark's scenarios, each at the rates its name gives (1% background errors on both versions). */
public final class Scenarios {
    public static final double BACKGROUND = 0.01;
    /** Five hosts: the new version on one, the baseline on four. */
    public static final int HOSTS = 5;
    public static final double TRAFFIC = 10;
    public static final Duration WARMUP = Duration.ofSeconds(30);

    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                breach("sudden-30%", "new version fails 30% from the onset", Behaviour.step(BACKGROUND, 0.30), 5),
                breach("sudden-10%", "new version fails 10% from the onset", Behaviour.step(BACKGROUND, 0.10), 5),
                breach("sudden-5%", "new version fails 5% from the onset", Behaviour.step(BACKGROUND, 0.05), 5),
                breach("p99-x2", "new version's latencies x2 (p99 ~250 -> ~500 ms)", Behaviour.slower(BACKGROUND, 2), 5),
                breach("p99-x5", "new version's latencies x5 (p99 ~250 -> ~1250 ms)", Behaviour.slower(BACKGROUND, 5), 5),
                breach("ramp-1-20%-5m", "new version's errors rise linearly 1% -> 20% over 5 min",
                        Behaviour.ramp(BACKGROUND, 0.20, Duration.ofMinutes(5).toMillis()), 10),
                breach("flapping-host", "the new version's host is down 3 s of every 6 s",
                        Behaviour.flapping(BACKGROUND, 3_000, 6_000), 5),
                healthy("blip-1s", "the new version's host is down for 1 s once", TRAFFIC,
                        Behaviour.blip(BACKGROUND, 1_000), Behaviour.steady(BACKGROUND), 5),
                healthy("shared-dependency", "both versions fail 20% from the onset (a shared dependency)", TRAFFIC,
                        Behaviour.step(BACKGROUND, 0.20), Behaviour.step(BACKGROUND, 0.20), 5),
                healthy("healthy-1/s", "both versions at 1% errors, 1 probe/s each", 1,
                        Behaviour.steady(BACKGROUND), Behaviour.steady(BACKGROUND), 5),
                healthy("healthy-20/s", "both versions at 1% errors, 20 probes/s each", 20,
                        Behaviour.steady(BACKGROUND), Behaviour.steady(BACKGROUND), Duration.ofSeconds(90)));
    }

    /**
     * The most common regression, not among the defaults: a new version bad from its first probe,
     * over a baseline probed for 5 minutes before the deployment (as a serving version is). Run them
     * by name, e.g. {@code --scenarios sudden-30%-from-start,sudden-10%-from-start}.
     */
    public static List<Scenario> fromStart() {
        return List.of(
                fromStart("sudden-30%-from-start", "new version fails 30% from its first probe; baseline probed 5 min before",
                        Behaviour.step(BACKGROUND, 0.30)),
                fromStart("sudden-10%-from-start", "new version fails 10% from its first probe; baseline probed 5 min before",
                        Behaviour.step(BACKGROUND, 0.10)),
                new Scenario("healthy-20/s-from-start", "both versions at 1% errors, 20 probes/s each; baseline probed "
                        + "5 min before", false, 20, HOSTS, Duration.ZERO, Duration.ofMinutes(2),
                        Behaviour.steady(BACKGROUND), Behaviour.steady(BACKGROUND), null, Duration.ofMinutes(5)));
    }

    /**
     * The whole latency distribution and an instance's start, not among the defaults: run them by name,
     * e.g. {@code --scenarios median-x5,median-x2,cold-start}. The median rows' answers are more alike
     * than the baseline's (σ × 0.15), so their p99 stays under both p99 bounds (1 s, and twice the
     * baseline's ~250 ms): ×5 puts the median at ~400 ms and the p99 at ~475 ms, ×2 at ~160 and ~190 ms.
     * The cold start is a new instance answering 10 times slower (median ~800 ms) for its first 3 s,
     * over a baseline probed for 5 minutes before the deployment, as a serving version is.
     */
    public static List<Scenario> distribution() {
        return List.of(
                breach("median-x5", "new version's median x5, p99 under the limits (~80 -> ~400 ms, p99 ~475 ms)",
                        Behaviour.slowerMedian(BACKGROUND, 5, 0.15), 5),
                breach("median-x2", "new version's median x2, p99 under the limits (~80 -> ~160 ms, p99 ~190 ms)",
                        Behaviour.slowerMedian(BACKGROUND, 2, 0.15), 5),
                new Scenario("cold-start", "new instance 10x slower for its first 3 s, then as the baseline; baseline "
                        + "probed 5 min before", false, TRAFFIC, HOSTS, Duration.ZERO, Duration.ofMinutes(2),
                        Behaviour.coldStart(BACKGROUND, 10, 3_000), Behaviour.steady(BACKGROUND), null,
                        Duration.ofMinutes(5)));
    }

    public static Scenario named(String name) {
        return java.util.stream.Stream.of(all(), fromStart(), distribution()).flatMap(List::stream)
                .filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + name));
    }

    private static Scenario fromStart(String name, String description, Behaviour candidate) {
        return new Scenario(name, description, true, TRAFFIC, HOSTS, Duration.ZERO, Duration.ofMinutes(5), candidate,
                Behaviour.steady(BACKGROUND), null, Duration.ofMinutes(5));
    }

    private static Scenario breach(String name, String description, Behaviour candidate, int horizonMinutes) {
        return new Scenario(name, description, true, TRAFFIC, HOSTS, WARMUP, Duration.ofMinutes(horizonMinutes),
                candidate, Behaviour.steady(BACKGROUND), null, null);
    }

    private static Scenario healthy(String name, String description, double rate, Behaviour candidate,
                                    Behaviour baseline, int horizonMinutes) {
        return healthy(name, description, rate, candidate, baseline, Duration.ofMinutes(horizonMinutes));
    }

    private static Scenario healthy(String name, String description, double rate, Behaviour candidate,
                                    Behaviour baseline, Duration horizon) {
        return new Scenario(name, description, false, rate, HOSTS, WARMUP, horizon,
                candidate, baseline, null, null);
    }
}
