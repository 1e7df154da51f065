package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static io.kanary.detector.DetectorDriver.SERVICE;
import static io.kanary.detector.DetectorDriver.T0;
import static io.kanary.detector.DetectorDriver.sampleId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.verdict.RollbackReason;
import io.kanary.detector.verdict.TestName;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSample.LatencyBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Traffic samples judged through the real topology: three instances of each version serving 100
 * requests a second, one sample per instance and second (v1's three, then v2's), errors drawn from a
 * binomial with a fixed seed, so every run sees the same streams and the same verdicts.
 */
class TrafficJudgementTest {
    /** The defaults (5% errors, p99 1 s, 5 min, 20 samples, α 0.001, 1% margin, 2 s blips) without a start-up grace. */
    static final Policy POLICY = Policy.defaults().withStartupGraceMs(0);
    static final int REQUESTS = 100;
    static final List<String> INSTANCES = List.of("a", "b", "c");

    @TempDir
    Path stateDir;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DetectorDriver detector;
    final Random random = new Random(42);

    @BeforeEach
    void startDriver() {
        detector = new DetectorDriver(stateDir, registry);
    }

    @AfterEach
    void closeDriver() {
        detector.close();
    }

    @Test
    void shouldRollBackAPartialErrorRateOnEveryInstanceOnTheFirstSamplesAfterTheOnset() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        fleet(30, 10, rate(0.30), rate(0.01));

        TestRecord<String, Breach> record = onlyBreach();
        Breach breach = record.value();
        // The second of v2's samples of [30 s, 31 s] decides: two instances failing about 30% of their requests
        // in the same second are not one instance going dark, so the outage tolerance does not apply and every
        // failure counts. (One instance's first failing sample alone could be an outage.)
        assertEquals(sampleId("v2", "v2-b", at(30_000)), CloudEvents.header(record.headers(), CloudEvents.CAUSATION_ID).orElseThrow());
        assertEquals(at(31_000), breach.detectedAt());
        assertEquals(breach.samples(), breach.requests(), "all requests, no probes");
        assertTrue(RollbackReason.of(breach).matches("v2 error rate \\d+\\.\\d% > baseline v1 1\\.\\d% \\+ 1\\.0% margin over 3s "
                + "\\(mSPRT error rate vs baseline: log-LR \\d+\\.\\d ≥ 8\\.3; 800 requests vs \\d+\\)"), RollbackReason.of(breach));
    }

    @Test
    void shouldWaitForMoreThanOneInstancesPartialErrorRateBeforeJudgingItAtOnce() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        // Only v2-a fails 30% from 30 s on: its first failing sample could be the start of its outage.
        fleet(30, 10, (instance, second) -> binomial(REQUESTS, instance.equals("a") ? 0.30 : 0.01), rate(0.01));

        TestRecord<String, Breach> record = onlyBreach();
        assertTrue(record.value().detectedAt().isAfter(at(31_000)), "not on its first sample: " + record.value().detectedAt());
    }

    @Test
    void shouldRollBackSuddenTenPercentErrorsInTheSecondSecondOfSamplesAfterTheOnset() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        fleet(30, 30, rate(0.10), rate(0.01));

        TestRecord<String, Breach> record = onlyBreach();
        // The fifth sample of v2 after the onset: v2-b's of [31 s, 32 s].
        assertEquals(sampleId("v2", "v2-b", at(31_000)), CloudEvents.header(record.headers(), CloudEvents.CAUSATION_ID).orElseThrow());
        assertEquals(at(32_000), record.value().detectedAt());
    }

    @Test
    void shouldNotRollBackAHealthyVersionAtOnePercentErrorsOverFiveMinutes() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 300, rate(0.01), rate(0.01));

        assertTrue(detector.breaches.isEmpty());
        assertTrue(detector.rollbacks.isEmpty());
        assertEquals(300 * 3 * REQUESTS, requestsJudged(), "every request of the new version was judged");
    }

    @Test
    void shouldHoldTheNewVersionToTheBaselinesTrafficNotJustTheLimit() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 60, rate(0.05), rate(0.01));

        Breach breach = onlyBreach().value();
        assertEquals(TestName.ERROR_RATE_BASELINE.label(), breach.test(), "5% is not above the 5% limit");
        assertTrue(breach.baseline() > 0.01 && breach.baseline() < 0.02, "baseline " + breach.baseline());
        assertEquals(breach.baselineSamples(), breach.baselineRequests(), "the baseline's side is its traffic");
    }

    @Test
    void shouldNotRollBackWhenTheBaselinesTrafficFailsAsMuch() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        // A shared dependency fails: both versions lose 30% of their requests from 30 s on.
        fleet(30, 30, rate(0.30), rate(0.30));

        assertTrue(detector.breaches.isEmpty(), "the baseline fails as much: not the new version's fault");
    }

    @Test
    void shouldCatchALatencyRegressionSeenOnlyInTheTrafficsHistograms() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        for (int s = 0; s < 30; s++) {
            // The probes of both versions answer in 40 ms: they do not see it.
            for (int p = 0; p < 10; p++) {
                detector.probe("v1", true, 40, at(s * 1_000L + p * 100L));
                detector.probe("v2", true, 40, at(s * 1_000L + p * 100L));
            }
            for (String instance : INSTANCES) {
                detector.sample("v1", "v1-" + instance, at(s * 1_000L), REQUESTS, 0, healthyLatency(REQUESTS));
                // 5% of v2's requests take over 1 s (they fall in (1 s, 2.5 s]), where a p99 allows 1%.
                detector.sample("v2", "v2-" + instance, at(s * 1_000L), REQUESTS, 0, slowOver(1_000, 5));
            }
        }

        Breach breach = onlyBreach().value();
        assertEquals(List.of(Breach.P99_LATENCY_MS, TestName.P99_LIMIT.label(), 1_000.0),
                List.of(breach.metric(), breach.test(), breach.threshold()));
        // A request is seen at its histogram bucket's upper bound: the p99 is in (1 s, 2.5 s].
        assertEquals(2_500, breach.observed(), 2_500 * 0.01);
        assertTrue(RollbackReason.of(breach).matches(".*; \\d+ requests \\+ \\d+ probes; baseline v1 \\d+ ms over \\d+ requests \\+ \\d+ probes\\)"),
                RollbackReason.of(breach));
    }

    @Test
    void shouldCountARequestAsSlowerThanTheLimitOnlyWhenItsBucketStartsThere() {
        // A first version: no baseline to compare with, only the 1 s limit.
        detector.firstStarted("d-1", "v1", T0, POLICY);
        for (int s = 0; s < 30; s++) {
            // 5% in (500 ms, 1 s]: maybe slower than nothing over the limit.
            detector.sample("v1", "v1-a", at(s * 1_000L), REQUESTS, 0, slowOver(500, 5));
        }
        assertTrue(detector.breaches.isEmpty(), "requests at most 1 s are not over a 1 s limit");

        for (int s = 30; s < 60; s++) {
            detector.sample("v1", "v1-a", at(s * 1_000L), REQUESTS, 0, slowOver(1_000, 5));
        }
        assertEquals(TestName.P99_LIMIT.label(), onlyBreach().value().test(), "requests in (1 s, 2.5 s] certainly are");
    }

    @Test
    void shouldToleratesAOneSecondOutageInOneInstancesTraffic() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        blip(POLICY);

        assertTrue(detector.breaches.isEmpty(), "one outage of one instance decides nothing, as for its probes");
    }

    @Test
    void shouldRollBackTheSameOutageWithoutATolerance() {
        // The defaults, with no outage tolerance and no start-up grace.
        Policy noTolerance = new Policy(null, null, null, null, null, null, null, null, null, null, null, 0L, 0L);
        detector.started("d-1", "v2", "v1", T0, noTolerance);
        blip(noTolerance);

        assertEquals(Breach.ERROR_RATE, onlyBreach().value().metric());
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 25, 40, 50})
    void shouldTolerateAOneSecondOutageHoweverItSplitsBetweenTwoSamples(int percentInTheFirst) {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        // v2-a fails every request for one second from 31 s minus percentInTheFirst hundredths.
        fleet(30, 2, (instance, second) -> !instance.equals("a") ? binomial(REQUESTS, 0.01)
                : second == 30 ? percentInTheFirst : REQUESTS - percentInTheFirst, rate(0.01));
        fleet(32, 30, rate(0.01), rate(0.01));

        assertTrue(detector.breaches.isEmpty());
    }

    @Test
    void shouldTolerateOneInstancesOutageWhileAnotherHasABadSecond() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        // v2-a is dark for one second (split 40/60 between two samples) while v2-b fails 6 of 100 in one of
        // them: over the 5% limit, yet not clearly so. One instance's outage, still tolerated.
        fleet(30, 2, (instance, second) -> switch (instance) {
            case "a" -> second == 30 ? 40 : 60;
            case "b" -> second == 30 ? 6 : 1;
            default -> 1;
        }, rate(0.01));
        fleet(32, 30, rate(0.01), rate(0.01));

        assertTrue(detector.breaches.isEmpty());
    }

    @Test
    void shouldRollBackAnInstanceWhoseTrafficKeepsFailing() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        fleet(0, 30, rate(0.01), rate(0.01));
        // v2-a is down for good: past the 2 s tolerance its errors count in full.
        fleet(30, 30, (instance, second) -> instance.equals("a") ? REQUESTS : binomial(REQUESTS, 0.01), rate(0.01));

        TestRecord<String, Breach> record = onlyBreach();
        assertEquals(at(33_000), record.value().detectedAt(), "its third failing sample spans the tolerance");
    }

    @Test
    void shouldLeaveOutTheTrafficOfAnInstanceBeforeItFirstAnswersHealthy() {
        Policy grace = POLICY.withStartupGraceMs(10_000);
        detector.started("d-1", "v2", "v1", T0, grace);
        // The fleet's instances are up: each answered its policy's healthy probes in a row (traffic never says so).
        for (String instance : INSTANCES) {
            for (int i = 0; i < grace.healthyProbes(); i++) {
                ProbeResult up = probeOf("v2-" + instance, true, at(i * 100L));
                detector.pipe(up, CloudEvents.headers(up, "/test", null));
            }
        }
        fleet(0, 30, rate(0.01), rate(0.01));
        // A new v2 instance "d" is probed from 30 s on and answers healthy from 34 s, passing at its third
        // good answer (36 s); its cold JVM fails half its requests until 34 s.
        for (int s = 30; s < 60; s++) {
            boolean up = s >= 34;
            ProbeResult probe = probeOf("v2-d", up, at(s * 1_000L));
            detector.pipe(probe, CloudEvents.headers(probe, "/test", null));
            detector.sample("v2", "v2-d", at(s * 1_000L), REQUESTS, up ? binomial(REQUESTS, 0.01) : REQUESTS / 2,
                    healthyLatency(REQUESTS));
            fleetSecond(s, rate(0.01), rate(0.01));
        }

        assertTrue(detector.breaches.isEmpty(), "its start-up is not its version's behaviour");
        assertEquals((30 * 3 + 30 * 3 + 24) * REQUESTS, requestsJudged(), "its 6 samples before it passed were not judged");
    }

    @Test
    void shouldJudgeTheTrafficOfAnInstanceThatNeverAnswersHealthyOnceTheGraceIsOver() {
        Policy grace = POLICY.withStartupGraceMs(10_000);
        detector.started("d-1", "v2", "v1", T0, grace);
        fleet(0, 30, rate(0.01), rate(0.01));
        for (int s = 30; s < 60; s++) {
            detector.sample("v2", "v2-d", at(s * 1_000L), REQUESTS, REQUESTS / 2, healthyLatency(REQUESTS));
            fleetSecond(s, rate(0.01), rate(0.01));
        }

        Breach breach = onlyBreach().value();
        assertTrue(!breach.detectedAt().isBefore(at(40_000)), "not within its grace: " + breach.detectedAt());
    }

    @Test
    void shouldCountASampleReadTwiceOnce() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        TrafficSample sample = detector.sample("v2", "v2-a", at(0), REQUESTS, 1, healthyLatency(REQUESTS));
        detector.pipe(sample);
        // The same interval published again under another id (a restarted scraper) is no new traffic either.
        detector.pipe(new TrafficSample("t-again", KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", "host-v2-a", "v2-a", "scrape",
                sample.intervalStart(), sample.intervalEnd(), REQUESTS, 1, healthyLatency(REQUESTS)));
        detector.sample("v2", "v2-a", at(1_000), REQUESTS, 1, healthyLatency(REQUESTS));

        assertEquals(2 * REQUESTS, requestsJudged());
    }

    @Test
    void shouldHoldTheNewVersionsTrafficP99ToTwiceTheBaselines() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        for (int s = 0; s < 30; s++) {
            for (String instance : INSTANCES) {
                // v1: all within 100 ms, so its p99 is seen at 100 ms; v2: 10% in (250, 500], under the 1 s limit
        // but certainly over 2 × 100 ms. Its p99 is seen at 500 ms.
                detector.sample("v1", "v1-" + instance, at(s * 1_000L), REQUESTS, 0,
                        histogram(REQUESTS, le -> le <= 50 ? 60L : REQUESTS));
                detector.sample("v2", "v2-" + instance, at(s * 1_000L), REQUESTS, 0,
                        histogram(REQUESTS, le -> le <= 50 ? 60L : le <= 250 ? 90L : REQUESTS));
            }
        }

        Breach breach = onlyBreach().value();
        assertEquals(List.of(TestName.P99_BASELINE.label(), 100.0, 200.0),
                List.of(breach.test(), (double) Math.round(breach.baseline()), (double) Math.round(breach.threshold())));
        assertTrue(RollbackReason.of(breach).matches("v2 p99 latency (49|50)\\d ms > 2 × baseline v1 10\\d ms = 20\\d ms over \\d+s "
                + "\\(p99 vs baseline: log-LR \\d+\\.\\d ≥ 9\\.0; \\d+ requests vs \\d+\\)"), RollbackReason.of(breach));
    }

    @Test
    void shouldCountSamplesThatNameNoInstanceAsTheyCome() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        // An access-log producer's sample of the whole version: no instance to hold a watermark for.
        TrafficSample anonymous = new TrafficSample("t-log-1", KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", null, null,
                "access-log", at(0), at(1_000), REQUESTS, 1, healthyLatency(REQUESTS));
        detector.pipe(anonymous);
        detector.pipe(anonymous);

        assertEquals(2 * REQUESTS, requestsJudged());
    }

    @Test
    void shouldSendAnUnreadableSampleToItsDeadLetterTopicAndCarryOn() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        detector.rawTrafficSamples.pipeInput(new TestRecord<>(SERVICE, "not json {".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(), at(0)));
        String errorsOverRequests = "{\"eventId\":\"t-x\",\"schemaVersion\":1,\"service\":\"checkout\",\"version\":\"v2\","
                + "\"intervalStart\":\"2026-01-01T00:00:00Z\",\"intervalEnd\":\"2026-01-01T00:00:01Z\",\"requests\":10,"
                + "\"errors\":11,\"latency\":[]}";
        detector.rawTrafficSamples.pipeInput(new TestRecord<>(SERVICE, errorsOverRequests.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(), at(1_000)));
        TrafficSample noTime = new TrafficSample("t-y", KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", null, null, "access-log",
                at(1_000), at(1_000), 10, 0, List.of());
        detector.trafficSamples.pipeInput(new TestRecord<>(SERVICE, noTime, new RecordHeaders(), at(1_000)));
        TrafficSample otherKey = new TrafficSample("t-z", KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", null, null, "access-log",
                at(1_000), at(2_000), 10, 0, List.of());
        detector.trafficSamples.pipeInput(new TestRecord<>("host-1", otherKey, new RecordHeaders(), at(2_000)));
        fleet(0, 30, rate(0.30), rate(0.01));

        List<TestRecord<String, byte[]>> dead = detector.trafficSamplesDlq.readRecordsToList();
        assertEquals(List.of("0", "1", "2", "3"), dead.stream().map(record -> header(record, DeadLetters.OFFSET)).toList());
        assertEquals(List.of("traffic.samples", "not json {"), List.of(header(dead.get(0), DeadLetters.TOPIC),
                new String(dead.get(0).value(), StandardCharsets.UTF_8)));
        assertTrue(header(dead.get(1), DeadLetters.REASON).contains("requests and errors must be >= 0 with errors <= requests"),
                header(dead.get(1), DeadLetters.REASON));
        assertEquals(List.of("Not a valid TrafficSample: intervalEnd must be after intervalStart, both were 2026-01-01T00:00:01Z",
                        "Not a valid TrafficSample: key 'host-1' is not the service 'checkout'"),
                List.of(header(dead.get(2), DeadLetters.REASON), header(dead.get(3), DeadLetters.REASON)));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments(), "the job carried on");
    }

    @Test
    void shouldCountRequestsJudgedBesideProbesJudged() {
        detector.started("d-1", "v2", "v1", T0, POLICY);
        detector.probe("v2", true, 40, at(0));
        detector.sample("v2", "v2-a", at(0), 250, 2, healthyLatency(250));
        detector.sample("v1", "v1-a", at(0), 250, 2, healthyLatency(250));

        assertEquals(250, requestsJudged(), "the baseline's requests feed the judgement but are not judged");
        assertEquals(1, registry.get("kanary.detector.probes.judged").tag("service", SERVICE).counter().count());
    }

    // --- streams

    /** One outage: v2-a fails every request of one second, 30 s into a healthy stream, which goes on for 30 s. */
    private void blip(Policy policy) {
        fleet(0, 30, rate(0.01), rate(0.01));
        fleet(30, 1, (instance, second) -> instance.equals("a") ? REQUESTS : binomial(REQUESTS, 0.01), rate(0.01));
        fleet(31, 30, rate(0.01), rate(0.01));
    }

    /** How many of an instance's requests fail in a second. */
    interface Errors {
        long of(String instance, int second);
    }

    Errors rate(double p) {
        return (instance, second) -> binomial(REQUESTS, p);
    }

    long binomial(int n, double p) {
        long k = 0;
        for (int i = 0; i < n; i++) {
            k += random.nextDouble() < p ? 1 : 0;
        }
        return k;
    }

    /** Every second from {@code fromS} for {@code seconds}: a sample of each instance of v1, then of v2. */
    void fleet(int fromS, int seconds, Errors v2, Errors v1) {
        for (int s = fromS; s < fromS + seconds; s++) {
            fleetSecond(s, v2, v1);
        }
    }

    void fleetSecond(int s, Errors v2, Errors v1) {
        for (String instance : INSTANCES) {
            detector.sample("v1", "v1-" + instance, at(s * 1_000L), REQUESTS, v1.of(instance, s), healthyLatency(REQUESTS));
        }
        for (String instance : INSTANCES) {
            detector.sample("v2", "v2-" + instance, at(s * 1_000L), REQUESTS, v2.of(instance, s), healthyLatency(REQUESTS));
        }
    }

    /** 60% within 50 ms, 95% within 100 ms, all within 250 ms. */
    static List<LatencyBucket> healthyLatency(long requests) {
        return histogram(requests, le -> le <= 50 ? requests * 60 / 100 : le <= 100 ? requests * 95 / 100 : requests);
    }

    /** {@code percent}% of the requests take more than {@code overMs} (up to the next bound), the rest at most 50 ms. */
    static List<LatencyBucket> slowOver(long overMs, long percent) {
        return histogram(REQUESTS, le -> le <= overMs ? REQUESTS - percent : REQUESTS);
    }

    /** The usual bounds (50 ms ... 2.5 s), cumulative counts as {@code countAtMost} gives them. */
    static List<LatencyBucket> histogram(long requests, LongFunction<Long> countAtMost) {
        return java.util.stream.LongStream.of(50, 100, 250, 500, 1_000, 2_500)
                .mapToObj(le -> new LatencyBucket(le, countAtMost.apply(le))).toList();
    }

    private ProbeResult probeOf(String instance, boolean ok, java.time.Instant at) {
        return new ProbeResult("p-" + instance + "-" + at.toEpochMilli(), KanaryEvent.SCHEMA_VERSION, SERVICE, "v2",
                "host-" + instance, instance, ok, ok ? 200 : 503, 40, at, null);
    }

    private long requestsJudged() {
        var counter = registry.find("kanary.detector.requests.judged").tag("service", SERVICE).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private TestRecord<String, Breach> onlyBreach() {
        List<TestRecord<String, Breach>> breaches = detector.breaches.readRecordsToList();
        assertEquals(1, breaches.size(), "exactly one breach: " + breaches);
        assertEquals(List.of(breaches.get(0).value().deploymentId()), detector.rolledBackDeployments());
        return breaches.get(0);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
