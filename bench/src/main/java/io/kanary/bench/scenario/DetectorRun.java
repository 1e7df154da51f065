package io.kanary.bench.scenario;

import io.kanary.bench.TempDirs;
import io.kanary.detector.BreachTopology;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Feeds one {@link ProbeStream} through the real breach-detector topology
 * ({@link BreachTopology#build} with {@link DetectorConfig#defaults}) in a fresh
 * {@link TopologyTestDriver}, probe by probe at its probe time, with the wall clock following the
 * probe times (so punctuations fire as they would), and watches rollback.commands. The run stops at
 * the first rollback command: the probe just piped (or the wall-clock step just taken) decided it.
 */
public final class DetectorRun {
    /** How far the wall clock may lag the probe times before it is moved on. */
    static final Duration WALL_CLOCK_STEP = Duration.ofMillis(100);
    private static final String SOURCE = "/kanary/scenario-bench";

    private DetectorRun() {
    }

    /**
     * @param rolledBack    whether a rollback command came out
     * @param decidedAt     the probe time of the record (or the wall-clock time) after which it came, else null
     * @param sinceOnset    {@code decidedAt} minus the scenario's onset (negative: before it), else null
     * @param command       the command itself, else null
     */
    public record Outcome(boolean rolledBack, Instant decidedAt, Duration sinceOnset, RollbackCommand command) {
    }

    public static Outcome run(ProbeStream stream) {
        Path stateDir = TempDirs.create("kanary-scenario-bench");
        DetectorConfig config = DetectorConfig.defaults(KafkaSettings.bootstrap("unused:9092"))
                .withApplicationId("scenario-bench").withStateDir(stateDir);
        try (TopologyTestDriver driver = new TopologyTestDriver(BreachTopology.build(config),
                config.streamsProperties(), ProbeStreamGenerator.T0)) {
            TestInputTopic<String, DeploymentEvent> deployEvents = driver.createInputTopic(Topics.DEPLOY_EVENTS.name(),
                    Serdes.String().serializer(), Topics.DEPLOY_EVENTS.valueSerde().serializer());
            TestInputTopic<String, ProbeResult> probes = driver.createInputTopic(Topics.HEALTH_PROBES.name(),
                    Serdes.String().serializer(), Topics.HEALTH_PROBES.valueSerde().serializer());
            TestOutputTopic<String, RollbackCommand> rollbacks = driver.createOutputTopic(
                    Topics.ROLLBACK_COMMANDS.name(), Serdes.String().deserializer(),
                    Topics.ROLLBACK_COMMANDS.valueSerde().deserializer());

            DeploymentEvent.Started started = stream.started();
            deployEvents.pipeInput(new TestRecord<>(started.service(), started,
                    CloudEvents.headers(started, SOURCE, null), started.at()));
            Instant wallClock = ProbeStreamGenerator.T0;
            for (ProbeResult probe : stream.probes()) {
                Instant at = probe.probedAt();
                // The clock first catches up to the probe's time (punctuations due before it fire first) …
                while (Duration.between(wallClock, at).compareTo(WALL_CLOCK_STEP) >= 0) {
                    driver.advanceWallClockTime(WALL_CLOCK_STEP);
                    wallClock = wallClock.plus(WALL_CLOCK_STEP);
                    if (!rollbacks.isEmpty()) {
                        return outcome(stream, wallClock, rollbacks.readValue());
                    }
                }
                // … then the probe arrives, as the health-watcher publishes it: keyed by service, at its probe time.
                probes.pipeInput(new TestRecord<>(probe.service(), probe,
                        CloudEvents.headers(probe, "/kanary/health-watcher", null), at));
                if (!rollbacks.isEmpty()) {
                    return outcome(stream, at, rollbacks.readValue());
                }
            }
            return new Outcome(false, null, null, null);
        } finally {
            TempDirs.delete(stateDir);
        }
    }

    private static Outcome outcome(ProbeStream stream, Instant decidedAt, RollbackCommand command) {
        return new Outcome(true, decidedAt, Duration.between(stream.onset(), decidedAt), command);
    }


}
