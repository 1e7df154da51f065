package io.kanary.bench.scenario;

import io.kanary.bench.TempDirs;
import io.kanary.detector.BreachTopology;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.TrafficSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Feeds one {@link TrafficStream} through the real breach-detector topology in a fresh
 * {@link TopologyTestDriver}, as {@link DetectorRun} does for probes: the traffic samples on
 * traffic.samples (each at its interval's end, when it can first be read) and the probes on
 * health.probes, merged in time order, the wall clock following them in 100 ms steps. The run stops
 * at the first rollback command.
 *
 * <p>A detector build whose topology does not read traffic.samples is fed the probes only
 * ({@link #readsTraffic}); the bench says so beside its figures.
 */
public final class TrafficDetectorRun {
    private static final String SOURCE = "/kanary/scenario-bench";

    private TrafficDetectorRun() {
    }

    /** Whether the installed breach-detector's topology has traffic.samples among its sources. */
    public static boolean readsTraffic() {
        return sourceTopics(BreachTopology.build(config(Path.of("unused")))).contains(Topics.TRAFFIC_SAMPLES.name());
    }

    static List<String> sourceTopics(Topology topology) {
        List<String> topics = new ArrayList<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    topics.addAll(source.topicSet());
                }
            }
        }
        return topics;
    }

    public static DetectorRun.Outcome run(TrafficStream stream, boolean feedTraffic) {
        return run(stream, feedTraffic, BreachTopology::build);
    }

    /** The same run through the topology {@code topology} builds from the detector's configuration. */
    static DetectorRun.Outcome run(TrafficStream stream, boolean feedTraffic,
                                   Function<DetectorConfig, Topology> topology) {
        Path stateDir = TempDirs.create("kanary-traffic-bench");
        DetectorConfig config = config(stateDir);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology.apply(config),
                config.streamsProperties(), ProbeStreamGenerator.T0)) {
            TestInputTopic<String, DeploymentEvent> deployEvents = driver.createInputTopic(Topics.DEPLOY_EVENTS.name(),
                    Serdes.String().serializer(), Topics.DEPLOY_EVENTS.valueSerde().serializer());
            TestInputTopic<String, ProbeResult> probes = driver.createInputTopic(Topics.HEALTH_PROBES.name(),
                    Serdes.String().serializer(), Topics.HEALTH_PROBES.valueSerde().serializer());
            TestInputTopic<String, TrafficSample> samples = feedTraffic ? driver.createInputTopic(
                    Topics.TRAFFIC_SAMPLES.name(), Serdes.String().serializer(),
                    Topics.TRAFFIC_SAMPLES.valueSerde().serializer()) : null;
            TestOutputTopic<String, RollbackCommand> rollbacks = driver.createOutputTopic(
                    Topics.ROLLBACK_COMMANDS.name(), Serdes.String().deserializer(),
                    Topics.ROLLBACK_COMMANDS.valueSerde().deserializer());

            DeploymentEvent.Started started = stream.started();
            deployEvents.pipeInput(new TestRecord<>(started.service(), started,
                    CloudEvents.headers(started, SOURCE, null), started.at()));
            Instant wallClock = ProbeStreamGenerator.T0;
            for (Timed event : timeline(stream, feedTraffic)) {
                while (Duration.between(wallClock, event.at()).compareTo(DetectorRun.WALL_CLOCK_STEP) >= 0) {
                    driver.advanceWallClockTime(DetectorRun.WALL_CLOCK_STEP);
                    wallClock = wallClock.plus(DetectorRun.WALL_CLOCK_STEP);
                    if (!rollbacks.isEmpty()) {
                        return outcome(stream, wallClock, rollbacks.readValue());
                    }
                }
                if (event.event() instanceof ProbeResult probe) {
                    probes.pipeInput(new TestRecord<>(probe.service(), probe,
                            CloudEvents.headers(probe, "/kanary/health-watcher", null), event.at()));
                } else if (event.event() instanceof TrafficSample sample) {
                    samples.pipeInput(new TestRecord<>(sample.service(), sample,
                            CloudEvents.headers(sample, "/kanary/health-watcher", null), event.at()));
                }
                if (!rollbacks.isEmpty()) {
                    return outcome(stream, event.at(), rollbacks.readValue());
                }
            }
            return new DetectorRun.Outcome(false, null, null, null);
        } finally {
            TempDirs.delete(stateDir);
        }
    }

    /** An event at the moment it can first be read. */
    private record Timed(Instant at, KanaryEvent event) {
    }

    private static List<Timed> timeline(TrafficStream stream, boolean feedTraffic) {
        List<Timed> events = new ArrayList<>();
        stream.probes().forEach(p -> events.add(new Timed(p.probedAt(), p)));
        if (feedTraffic) {
            stream.samples().forEach(s -> events.add(new Timed(s.intervalEnd(), s)));
        }
        // Stable sort: at equal times probes first, then samples, each in their stream's order.
        events.sort(Comparator.comparing(Timed::at));
        return events;
    }

    private static DetectorConfig config(Path stateDir) {
        return DetectorConfig.defaults(KafkaSettings.bootstrap("unused:9092"))
                .withApplicationId("scenario-bench").withStateDir(stateDir);
    }

    private static DetectorRun.Outcome outcome(TrafficStream stream, Instant decidedAt, RollbackCommand command) {
        return new DetectorRun.Outcome(true, decidedAt, Duration.between(stream.onset(), decidedAt), command);
    }
}
