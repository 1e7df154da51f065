package io.kanary.detector.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.BreachTopology;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evidence branch of the breach-detector's topology: healthy once, inconclusive at the wait's end, once. */
class EvidenceTopologyTest {
    private static final String SERVICE = "checkout";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** A breach above 10% errors or a p99 over 500 ms; 20 probes before any verdict; evidence may take 2 min. */
    private static final Policy POLICY = new Policy(0.10, 500L, 60_000L, 20, null, null, null, null)
            .withStartupGraceMs(0).withEvidenceWait(120_000L, Policy.OnInconclusive.PAUSE);

    @TempDir
    Path stateDir;
    @TempDir
    Path restartedStateDir;

    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private int probeCount;

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void shouldJudgeAHealthyBatchHealthyOnceAfterABoundedNumberOfProbes() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();

        List<Judgement> judgements = new ArrayList<>();
        int probes = 0;
        while (judgements.isEmpty() && probes < 500) {
            d.probe("v2", "host-1", true, 40, T0.plusMillis(100L * probes++));
            judgements.addAll(d.verdicts());
        }
        d.probes(50, "v2", "host-1", true, 40, T0.plusSeconds(60));
        judgements.addAll(d.verdicts());

        assertEquals(1, judgements.size(), judgements.toString());
        Judgement.Healthy healthy = (Judgement.Healthy) judgements.get(0);
        assertEquals(92, probes, "zero failures of 92 probes prove fewer than 5% slow at α/2 0.025 (and errors under 10%)");
        assertEquals(new Judgement.Healthy(JudgementIds.of("d1", 0), 1, "d1", SERVICE, "v2", 0, 92, 0.0, 41.1,
                "mSPRT healthy on probes: error rate < limit and < 5.0% slower than the p99 limit", healthy.statistic(),
                Math.log(40), "batch 1/2 healthy on 92 probes in 0.0s: error rate 0.0% (held below 10.0%), p99 41 ms"
                + " (limit 500 ms); healthy log-LR 3.7 of 3.7 needed, breach 0.0 of 8.3", T0), healthy);
        assertTrue(healthy.statistic() >= Math.log(40), "the statistic reached its threshold: " + healthy.statistic());
    }

    @Test
    void shouldNotJudgeAFivePercentRegressionAtOneProbeASecondHealthyAndSayInconclusiveAtTheWaitsEnd() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();

        for (int i = 0; i < 119; i++) {
            d.probe("v1", "host-2", true, 40, T0.plusSeconds(i)); // the baseline fails none
            d.probe("v2", "host-1", i % 20 != 19, 40, T0.plusSeconds(i)); // one in 20 fails: 5%
        }
        d.driver.advanceWallClockTime(Duration.ofSeconds(119));
        assertEquals(List.of(), d.verdicts(), "no judgement before the wait's end");
        d.driver.advanceWallClockTime(Duration.ofSeconds(1));

        List<Judgement> judgements = d.verdicts();
        assertEquals(1, judgements.size(), judgements.toString());
        Judgement.Inconclusive inconclusive = (Judgement.Inconclusive) judgements.get(0);
        assertEquals(119, inconclusive.samples());
        assertEquals(5.0 / 119, inconclusive.errorRate(), 1e-12);
        assertEquals(120_000, inconclusive.waitedMs());
        assertEquals("breach-detector", inconclusive.by());
        assertTrue(inconclusive.healthyStatistic() < Math.log(40), "healthy not reached: " + inconclusive.healthyStatistic());
        assertEquals("no verdict on batch 1/2 after 120.0s on 119 probes: error rate 4.2% (held below 5.4%), p99 41 ms"
                + " (limit 500 ms); healthy log-LR 0.0 of 3.7 needed, breach 0.0 of 8.3", inconclusive.summary());

        d.driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertEquals(List.of(), d.verdicts(), "judged once");
    }

    @Test
    void shouldNeverJudgeAFivePercentRegressionFromAHealthyBaselineHealthy() {
        Driver d = new Driver(stateDir, POLICY.withEvidenceWait(3_600_000L, Policy.OnInconclusive.PAUSE));
        d.deploymentWithBatchOne();

        for (int i = 0; i < 3_000; i++) {
            d.probe("v1", "host-2", true, 40, T0.plusSeconds(i));
            d.probe("v2", "host-1", i % 20 != 19, 40, T0.plusSeconds(i));
        }

        assertEquals(List.of(), d.verdicts(), "50 minutes at 1 probe/s");
    }

    @Test
    void shouldNotReEmitAJudgementAfterARestartFromTheSameState() {
        Driver first = new Driver(stateDir);
        first.deploymentWithBatchOne();
        first.probes(100, "v2", "host-1", true, 40, T0);
        assertEquals(1, first.verdicts().size());

        Driver restarted = new Driver(restartedStateDir, first.storeContents());
        restarted.probes(100, "v2", "host-1", true, 40, T0.plusSeconds(10));
        restarted.driver.advanceWallClockTime(Duration.ofMinutes(5));

        assertEquals(List.of(), restarted.verdicts());
    }

    @Test
    void shouldKeepTheWaitsDeadlineAcrossARestart() {
        Driver first = new Driver(stateDir);
        first.deploymentWithBatchOne();
        first.probes(10, "v2", "host-1", true, 40, T0);
        first.driver.advanceWallClockTime(Duration.ofSeconds(60));

        Driver restarted = new Driver(restartedStateDir, first.storeContents(), T0.plusSeconds(60));
        restarted.driver.advanceWallClockTime(Duration.ofSeconds(59));
        assertEquals(List.of(), restarted.verdicts());
        restarted.driver.advanceWallClockTime(Duration.ofSeconds(1));

        List<Judgement> judgements = restarted.verdicts();
        assertEquals(1, judgements.size());
        assertEquals(10, ((Judgement.Inconclusive) judgements.get(0)).samples(), "the evidence from before the restart");
        assertEquals(120_000, ((Judgement.Inconclusive) judgements.get(0)).waitedMs());
    }

    @Test
    void shouldJudgeEachBatchAndForgetADeploymentThatRollsBack() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();
        d.probes(100, "v2", "host-1", true, 40, T0);
        d.deployEvent(new DeploymentEvent.BatchStarted("e-b2", 1, "d1", SERVICE, 1, List.of("host-2"), T0.plusSeconds(20)));
        d.probes(10, "v2", "host-2", true, 40, T0.plusSeconds(21));
        d.probes(100, "v2", "host-1", true, 40, T0.plusSeconds(21));

        List<Judgement> judgements = d.verdicts();
        assertEquals(List.of(0), judgements.stream().map(Judgement::batch).toList(),
                "batch 2 needs " + POLICY.minSamples() + " probes of its own host: 10 are not enough with host-1's");
        d.probes(10, "v2", "host-2", true, 40, T0.plusSeconds(40));
        assertEquals(List.of(1), d.verdicts().stream().map(Judgement::batch).toList());

        d.deployEvent(new DeploymentEvent.RollingBack("e-rb", 1, "d1", SERVICE, "operator", null, "alice",
                List.of("host-1", "host-2"), T0.plusSeconds(50)));
        d.driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertEquals(List.of(), d.verdicts());
    }

    @Test
    void shouldJudgeARedeployOfTheSameVersionOnItsOwnProbes() {
        Driver d = new Driver(stateDir);
        d.deployEvent(new DeploymentEvent.Started("e-d2", 1, "d2", SERVICE, "v1", "v1", Map.of("host-1", "v1"), null,
                POLICY, List.of(List.of("host-1")), "test", T0));
        d.deployEvent(new DeploymentEvent.BatchStarted("e-d2-b1", 1, "d2", SERVICE, 0, List.of("host-1"), T0));

        d.probes(100, "v1", "host-1", true, 40, T0);

        assertEquals(List.of("d2"), d.verdicts().stream().map(Judgement::deploymentId).toList());
    }

    @Test
    void shouldChainAnInconclusiveJudgementToItsBatchsStart() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();
        d.driver.advanceWallClockTime(Duration.ofSeconds(120));

        var record = d.judgements.readRecordsToList().stream()
                .filter(r -> !(r.value() instanceof Judgement.Progress)).findFirst().orElseThrow();
        assertEquals(java.util.Optional.of("e-b1"), CloudEvents.header(record.headers(), CloudEvents.CAUSATION_ID));
        assertEquals(java.util.Optional.of("kanary.judgement.inconclusive.v1"),
                CloudEvents.header(record.headers(), CloudEvents.TYPE));
    }

    @Test
    void shouldLeaveOutAnInstancesFailuresBeforeItFirstAnswers() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();
        d.probes(5, "v2", "host-1", false, 0, T0);
        d.probes(100, "v2", "host-1", true, 40, T0.plusSeconds(1));

        Judgement.Healthy healthy = (Judgement.Healthy) d.verdicts().get(0);
        assertEquals(0.0, healthy.errorRate());
    }

    @Test
    void shouldJudgeHealthyTrafficHealthyInItsFirstSecondsWhereProbesAloneTakeMinutes() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();

        int seconds = 0;
        List<Judgement> judgements = new ArrayList<>();
        while (judgements.isEmpty() && seconds < 120) {
            seconds++;
            d.probe("v2", "host-1", true, 40, T0.plusSeconds(seconds)); // one probe a second: the default
            d.traffic("v2", "host-1", 100, seconds % 2, T0.plusSeconds(seconds)); // 100 requests a second, 0.5% failed
            judgements.addAll(d.verdicts());
        }

        assertEquals(1, seconds, "100 requests with one failure; probes alone need 92 seconds at one a second");
        Judgement.Healthy healthy = (Judgement.Healthy) judgements.get(0);
        assertEquals(101, healthy.samples());
        assertEquals("mSPRT healthy on traffic: error rate < limit and < 5.0% slower than the p99 limit", healthy.test());
        assertTrue(healthy.summary().startsWith("batch 1/2 healthy on 1 probes and 100 requests"), healthy.summary());
    }

    @Test
    void shouldNeverJudgeAFivePercentRegressionInTrafficHealthyThoughItsProbesAreFine() {
        Driver d = new Driver(stateDir, POLICY.withEvidenceWait(3_600_000L, Policy.OnInconclusive.PAUSE));
        d.deploymentWithBatchOne();

        for (int s = 1; s <= 3_000; s++) {
            d.traffic("v1", "host-2", 100, 0, T0.plusSeconds(s)); // the baseline fails none of its requests
            d.traffic("v2", "host-1", 100, 5, T0.plusSeconds(s)); // the new version fails 5 in 100
            d.probes(10, "v2", "host-1", true, 40, T0.plusSeconds(s)); // its health endpoint answers every probe
        }

        assertEquals(List.of(), d.verdicts(), "50 minutes at 100 requests and 10 probes a second");
    }

    @Test
    void shouldNeverJudgeAFivePointRegressionFromABaselineThatFailsOnePercentHealthy() {
        Driver d = new Driver(stateDir, POLICY.withEvidenceWait(3_600_000L, Policy.OnInconclusive.PAUSE));
        d.deploymentWithBatchOne();

        for (int s = 1; s <= 3_000; s++) {
            d.traffic("v1", "host-2", 100, 1, T0.plusSeconds(s));
            d.traffic("v2", "host-1", 100, 6, T0.plusSeconds(s));
        }

        assertEquals(List.of(), d.verdicts(), "50 minutes at 100 requests a second");
    }

    @Test
    void shouldJudgeTrafficAsHealthyAsItsBaselineHealthyThoughBothFailOnePercent() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();

        for (int s = 1; s <= 10; s++) {
            d.traffic("v1", "host-2", 100, 1, T0.plusSeconds(s));
            d.traffic("v2", "host-1", 100, 1, T0.plusSeconds(s));
        }

        List<Judgement> verdicts = d.verdicts();
        assertEquals(1, verdicts.size(), verdicts.toString());
        assertTrue(verdicts.get(0) instanceof Judgement.Healthy, verdicts.toString());
    }

    @Test
    void shouldLeaveOutTheRequestsAnInstanceFailedBeforeItFirstAnswered() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();
        d.traffic("v2", "host-1", 100, 100, T0.plusSeconds(1)); // starting: every request failed
        d.traffic("v2", "host-1", 100, 0, T0.plusSeconds(2));

        Judgement.Healthy healthy = (Judgement.Healthy) d.verdicts().get(0);
        assertEquals(100, healthy.samples());
        assertEquals(0.0, healthy.errorRate());
    }

    @Test
    void shouldPublishTheEvidenceSoFarOnceASecondWhileABatchWaitsAndStopOnceItIsJudged() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();
        d.probes(40, "v2", "host-1", true, 40, T0);
        d.driver.advanceWallClockTime(Duration.ofSeconds(1));
        d.probes(40, "v2", "host-1", true, 40, T0.plusSeconds(1));
        d.driver.advanceWallClockTime(Duration.ofSeconds(1));

        List<Judgement.Progress> progress = d.progress();
        assertEquals(List.of(1_000L, 2_000L), progress.stream().map(Judgement.Progress::waitedMs).toList());
        Judgement.Progress second = progress.get(1);
        assertEquals(new Judgement.Progress(JudgementIds.progress("d1", 0, 2), 1, "d1", SERVICE, "v2", 0, 80, 0, 0.0,
                second.healthyStatistic(), Math.log(40), second.towardHealthy(), second.breachStatistic(),
                Math.log(4 / POLICY.alpha()), second.towardBreach(), 2_000, 120_000, "batch 1/2 waiting 2.0s of 120.0s"
                + " on 80 probes: healthy log-LR 3.2 of 3.7 needed, breach 0.0 of 8.3", T0.plusSeconds(2)), second);
        assertTrue(progress.get(0).towardHealthy() < second.towardHealthy() && second.towardHealthy() < 1,
                "evidence accumulates toward healthy: " + progress);

        d.probes(40, "v2", "host-1", true, 40, T0.plusSeconds(2));
        d.driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertEquals(List.of(), d.progress(), "a judged batch waits no more");
    }

    @Test
    void shouldShowAFailingBatchMovingTowardBreach() {
        Driver d = new Driver(stateDir);
        d.deploymentWithBatchOne();
        d.traffic("v2", "host-1", 100, 20, T0.plusSeconds(1));
        d.traffic("v2", "host-1", 100, 20, T0.plusSeconds(2));
        d.driver.advanceWallClockTime(Duration.ofSeconds(1));

        Judgement.Progress progress = d.progress().get(0);
        assertEquals(0.0, progress.towardHealthy());
        assertTrue(progress.towardBreach() > 0.5, "20% errors against a 10% limit: " + progress);
        assertEquals(200, progress.requests());
    }

    /** The whole topology under a test driver, with the evidence store optionally restored as a changelog would. */
    private final class Driver {
        final TopologyTestDriver driver;
        final TestInputTopic<String, DeploymentEvent> deployEvents;
        final TestInputTopic<String, ProbeResult> probes;
        final TestOutputTopic<String, Judgement> judgements;
        final TestInputTopic<String, TrafficSample> traffic;

        private final Policy policy;

        Driver(Path dir) {
            this(dir, List.of(), T0, POLICY);
        }

        Driver(Path dir, Policy policy) {
            this(dir, List.of(), T0, policy);
        }

        Driver(Path dir, List<KeyValue<String, BatchEvidence>> restored) {
            this(dir, restored, T0, POLICY);
        }

        Driver(Path dir, List<KeyValue<String, BatchEvidence>> restored, Instant wallClock) {
            this(dir, restored, wallClock, POLICY);
        }

        Driver(Path dir, List<KeyValue<String, BatchEvidence>> restored, Instant wallClock, Policy policy) {
            this.policy = policy;
            DetectorConfig config = DetectorConfig.defaults(KafkaSettings.bootstrap("unused:9092")).withStateDir(dir);
            driver = new TopologyTestDriver(BreachTopology.build(config), config.streamsProperties(), wallClock);
            drivers.add(driver);
            KeyValueStore<String, BatchEvidence> store = driver.getKeyValueStore(EvidenceStores.BATCH_EVIDENCE);
            restored.forEach(kv -> store.put(kv.key, kv.value));
            deployEvents = driver.createInputTopic(Topics.DEPLOY_EVENTS.name(), Serdes.String().serializer(),
                    Topics.DEPLOY_EVENTS.valueSerde().serializer());
            probes = driver.createInputTopic(Topics.HEALTH_PROBES.name(), Serdes.String().serializer(),
                    Topics.HEALTH_PROBES.valueSerde().serializer());
            judgements = driver.createOutputTopic(Topics.JUDGEMENTS.name(), Serdes.String().deserializer(),
                    Topics.JUDGEMENTS.valueSerde().deserializer());
            traffic = driver.createInputTopic(Topics.TRAFFIC_SAMPLES.name(), Serdes.String().serializer(),
                    Topics.TRAFFIC_SAMPLES.valueSerde().serializer());
        }

        /** The progress records on judgements so far. */
        List<Judgement.Progress> progress() {
            return judgements.readValuesToList().stream().filter(Judgement.Progress.class::isInstance)
                    .map(Judgement.Progress.class::cast).toList();
        }

        /** One second of {@code host}'s requests ending at {@code end}, every one of them answered within 40 ms. */
        void traffic(String version, String host, long requests, long errors, Instant end) {
            TrafficSample sample = new TrafficSample("traffic-" + ++probeCount, KanaryEvent.SCHEMA_VERSION, SERVICE,
                    version, host, "i-" + host + "-" + version, "scrape", end.minusSeconds(1), end, requests, errors,
                    List.of(new TrafficSample.LatencyBucket(50, requests), new TrafficSample.LatencyBucket(1_000, requests)));
            traffic.pipeInput(new TestRecord<>(SERVICE, sample, CloudEvents.headers(sample, "/test", null), end));
        }

        /** The verdicts on judgements: healthy and inconclusive, without the progress records between them. */
        List<Judgement> verdicts() {
            return judgements.readValuesToList().stream().filter(j -> !(j instanceof Judgement.Progress)).toList();
        }

        List<KeyValue<String, BatchEvidence>> storeContents() {
            List<KeyValue<String, BatchEvidence>> out = new ArrayList<>();
            KeyValueStore<String, BatchEvidence> store = driver.getKeyValueStore(EvidenceStores.BATCH_EVIDENCE);
            try (KeyValueIterator<String, BatchEvidence> all = store.all()) {
                all.forEachRemaining(out::add);
            }
            return out;
        }

        void deploymentWithBatchOne() {
            deployEvent(new DeploymentEvent.Started("e-d1", 1, "d1", SERVICE, "v2", "v1",
                    Map.of("host-1", "v1", "host-2", "v1"), null, policy, List.of(List.of("host-1"), List.of("host-2")),
                    "test", T0));
            deployEvent(new DeploymentEvent.BatchStarted("e-b1", 1, "d1", SERVICE, 0, List.of("host-1"), T0));
        }

        void deployEvent(DeploymentEvent event) {
            deployEvents.pipeInput(new TestRecord<>(event.service(), event, CloudEvents.headers(event, "/test", null),
                    event.at()));
        }

        void probes(int n, String version, String host, boolean ok, long latencyMs, Instant from) {
            for (int i = 0; i < n; i++) {
                probe(version, host, ok, latencyMs, from.plusMillis(100L * i));
            }
        }

        void probe(String version, String host, boolean ok, long latencyMs, Instant at) {
            ProbeResult probe = new ProbeResult("probe-" + ++probeCount, KanaryEvent.SCHEMA_VERSION, SERVICE, version,
                    host, "i-" + host + "-" + version, ok, ok ? 200 : 503, latencyMs, at, null);
            probes.pipeInput(new TestRecord<>(SERVICE, probe, CloudEvents.headers(probe, "/test", null), at));
        }
    }
}
