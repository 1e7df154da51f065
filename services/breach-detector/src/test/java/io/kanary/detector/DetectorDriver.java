package io.kanary.detector;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.TrafficSample;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** {@link BreachTopology} under a {@link TopologyTestDriver}, with helpers that speak deployments, probes and traffic. */
final class DetectorDriver implements AutoCloseable {
    static final String SERVICE = "checkout";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /**
     * Breach above 10% errors or a p99 over 500 ms, over 10 s, once 5 probes are in; no start-up grace,
     * so that an instance's first probes are judged like any other.
     */
    static final Policy POLICY = new Policy(0.10, 500L, 10_000L, 5, null, null, null, null).withStartupGraceMs(0);
    static final boolean OK = true;
    static final boolean FAILED = false;
    static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

    final TopologyTestDriver driver;
    final TestInputTopic<String, DeploymentEvent> deployEvents;
    final TestInputTopic<String, ProbeResult> probes;
    final TestInputTopic<String, byte[]> rawProbes;
    final TestOutputTopic<String, Breach> breaches;
    final TestOutputTopic<String, RollbackCommand> rollbacks;
    final TestOutputTopic<String, byte[]> probesDlq;
    final TestInputTopic<String, byte[]> rawDeployEvents;
    final TestOutputTopic<String, byte[]> deployEventsDlq;
    final TestInputTopic<String, TrafficSample> trafficSamples;
    final TestInputTopic<String, byte[]> rawTrafficSamples;
    final TestOutputTopic<String, byte[]> trafficSamplesDlq;
    private int probeCount;

    DetectorDriver(Path stateDir) {
        this(stateDir, new SimpleMeterRegistry());
    }

    /** The detector with its meters in {@code registry}. */
    DetectorDriver(Path stateDir, MeterRegistry registry) {
        DetectorConfig config = DetectorConfig.defaults(KafkaSettings.bootstrap("unused:9092")).withStateDir(stateDir)
                .withMeterRegistry(registry);
        driver = new TopologyTestDriver(BreachTopology.build(config), config.streamsProperties(), T0);
        deployEvents = driver.createInputTopic(Topics.DEPLOY_EVENTS.name(), Serdes.String().serializer(),
                Topics.DEPLOY_EVENTS.valueSerde().serializer());
        probes = driver.createInputTopic(Topics.HEALTH_PROBES.name(), Serdes.String().serializer(),
                Topics.HEALTH_PROBES.valueSerde().serializer());
        rawProbes = driver.createInputTopic(Topics.HEALTH_PROBES.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        breaches = driver.createOutputTopic(Topics.BREACHES.name(), Serdes.String().deserializer(),
                Topics.BREACHES.valueSerde().deserializer());
        rollbacks = driver.createOutputTopic(Topics.ROLLBACK_COMMANDS.name(), Serdes.String().deserializer(),
                Topics.ROLLBACK_COMMANDS.valueSerde().deserializer());
        probesDlq = driver.createOutputTopic(Topics.HEALTH_PROBES.dlqName(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        rawDeployEvents = driver.createInputTopic(Topics.DEPLOY_EVENTS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        deployEventsDlq = driver.createOutputTopic(Topics.DEPLOY_EVENTS.dlqName(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        trafficSamples = driver.createInputTopic(Topics.TRAFFIC_SAMPLES.name(), Serdes.String().serializer(),
                Topics.TRAFFIC_SAMPLES.valueSerde().serializer());
        rawTrafficSamples = driver.createInputTopic(Topics.TRAFFIC_SAMPLES.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        trafficSamplesDlq = driver.createOutputTopic(Topics.TRAFFIC_SAMPLES.dlqName(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    /**
     * One instance's traffic over the second from {@code from}: {@code requests} requests, {@code errors}
     * of them failed, latencies as {@code latency} (cumulative, as the sample carries them); piped with
     * its CloudEvents headers at its interval's end. Its id names its version, instance and start.
     */
    TrafficSample sample(String version, String instance, Instant from, long requests, long errors,
                         List<TrafficSample.LatencyBucket> latency) {
        TrafficSample sample = new TrafficSample(sampleId(version, instance, from), KanaryEvent.SCHEMA_VERSION, SERVICE,
                version, "host-" + instance, instance, "scrape", from, from.plusSeconds(1), requests, errors, latency);
        pipe(sample);
        return sample;
    }

    void pipe(TrafficSample sample) {
        trafficSamples.pipeInput(new TestRecord<>(SERVICE, sample, CloudEvents.headers(sample, "/test", null),
                sample.intervalEnd()));
    }

    static String sampleId(String version, String instance, Instant from) {
        return "t-" + version + "-" + instance + "-" + from.toEpochMilli();
    }

    /** {@code deploymentId} starts rolling {@code version} out over {@code baseline}, under {@link #POLICY}. */
    void started(String deploymentId, String version, String baseline, Instant at) {
        started(deploymentId, version, baseline, at, POLICY);
    }

    /** {@code deploymentId} rolls out the service's first {@code version}: there is no baseline to compare with. */
    void firstStarted(String deploymentId, String version, Instant at, Policy policy) {
        deployEvent(new DeploymentEvent.Started("e-" + deploymentId, KanaryEvent.SCHEMA_VERSION, deploymentId,
                SERVICE, version, null, Map.of(), null, policy, List.of(List.of("host-1")), "test", at));
    }

    void started(String deploymentId, String version, String baseline, Instant at, Policy policy) {
        deployEvent(new DeploymentEvent.Started("e-" + deploymentId, KanaryEvent.SCHEMA_VERSION, deploymentId,
                SERVICE, version, baseline, Map.of("host-1", baseline), null, policy, List.of(List.of("host-1")),
                "test", at));
    }

    /**
     * Probes of both versions, {@code perSecond} of each per second, from {@code from} for {@code seconds};
     * the i-th probe of a version (counted from 0) fails when {@code fails} says so and takes the latency it gives.
     */
    void traffic(int seconds, int perSecond, Instant from, String version, ProbeShape candidate, String baseline,
                 ProbeShape base) {
        long gapMs = 1_000 / perSecond;
        for (int i = 0; i < seconds * perSecond; i++) {
            Instant at = from.plusMillis(i * gapMs);
            if (baseline != null) {
                probe(baseline, !base.fails(i, at), base.latencyMs(i, at), at);
            }
            probe(version, !candidate.fails(i, at), candidate.latencyMs(i, at), at);
        }
    }

    /** How the i-th probe of a version at {@code at} turns out. */
    interface ProbeShape {
        boolean fails(int i, Instant at);

        default long latencyMs(int i, Instant at) {
            return 40;
        }

        /** Every {@code every}-th probe fails (1 in 100 is a 1% error rate), deterministically. */
        static ProbeShape failingOneIn(int every) {
            return (i, at) -> i % every == every - 1;
        }
    }

    void deployEvent(DeploymentEvent event) {
        deployEvents.pipeInput(new TestRecord<>(event.service(), event,
                CloudEvents.headers(event, "/test", null), event.at()));
    }

    /** One probe of {@code version}, piped with its CloudEvents headers at its probe time. */
    ProbeResult probe(String version, boolean ok, long latencyMs, Instant at) {
        ProbeResult probe = probeOf(version, ok, latencyMs, at);
        pipe(probe, CloudEvents.headers(probe, "/test", null));
        return probe;
    }

    /** {@code n} probes of {@code version}, one every {@link #PROBE_INTERVAL} from {@code from}. */
    List<ProbeResult> probes(int n, String version, boolean ok, long latencyMs, Instant from) {
        List<ProbeResult> piped = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            piped.add(probe(version, ok, latencyMs, from.plus(PROBE_INTERVAL.multipliedBy(i))));
        }
        return piped;
    }

    ProbeResult probeOf(String version, boolean ok, long latencyMs, Instant at) {
        probeCount++;
        return new ProbeResult("probe-" + probeCount, KanaryEvent.SCHEMA_VERSION, SERVICE, version, "host-1",
                "i-" + version, ok, ok ? 200 : 503, latencyMs, at, null);
    }

    void pipe(ProbeResult probe, Headers headers) {
        probes.pipeInput(new TestRecord<>(SERVICE, probe, headers, probe.probedAt()));
    }

    void pipeRaw(String value, Instant at) {
        rawProbes.pipeInput(new TestRecord<>(SERVICE, value.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(), at));
    }

    List<String> rolledBackDeployments() {
        return rollbacks.readValuesToList().stream().map(RollbackCommand::deploymentId).toList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
