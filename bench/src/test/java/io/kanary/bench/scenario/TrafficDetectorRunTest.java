package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.TrafficSample;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class TrafficDetectorRunTest {
    @Test
    void shouldListEveryTopicATopologyReads() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("health.probes").to("out");
        builder.stream("traffic.samples").to("out");

        assertEquals(List.of("health.probes", "traffic.samples"),
                TrafficDetectorRun.sourceTopics(builder.build()).stream().sorted().toList());
    }

    @Test
    void shouldFeedTheSamplesAtTheirIntervalsEndAndTimeTheRollbackFromTheOnset() {
        TrafficStream stream = TrafficStreamGenerator.generate(
                TrafficScenarios.named("traffic-sudden-30%").withHorizon(Duration.ofSeconds(10)), 1);

        DetectorRun.Outcome outcome = TrafficDetectorRun.run(stream, true, config -> rollBackOnAQuarterFailed());

        // The first sample of v2 that ends after the onset and has at least a quarter failed decides.
        TrafficSample decisive = stream.samplesOf("v2").stream()
                .filter(s -> s.requests() > 0 && 4 * s.errors() >= s.requests()).findFirst().orElseThrow();
        assertTrue(outcome.rolledBack());
        assertEquals(decisive.intervalEnd(), outcome.decidedAt());
        assertEquals(Duration.between(stream.onset(), decisive.intervalEnd()), outcome.sinceOnset());
        assertTrue(outcome.sinceOnset().compareTo(Duration.ofSeconds(2)) <= 0, outcome.sinceOnset().toString());
    }

    @Test
    void shouldFeedNoSamplesToADetectorThatIsToldItCannotReadThem() {
        TrafficStream stream = TrafficStreamGenerator.generate(
                TrafficScenarios.named("traffic-sudden-30%").withHorizon(Duration.ofSeconds(10)), 1);

        assertFalse(TrafficDetectorRun.run(stream, false, config -> rollBackOnAQuarterFailed()).rolledBack());
    }

    /** A stand-in judge for this test only: a rollback command for any sample with at least a quarter failed. */
    private static Topology rollBackOnAQuarterFailed() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.HEALTH_PROBES.name(), Consumed.with(Serdes.String(), Topics.HEALTH_PROBES.valueSerde()));
        builder.stream(Topics.DEPLOY_EVENTS.name(), Consumed.with(Serdes.String(), Topics.DEPLOY_EVENTS.valueSerde()));
        builder.stream(Topics.TRAFFIC_SAMPLES.name(), Consumed.with(Serdes.String(), Topics.TRAFFIC_SAMPLES.valueSerde()))
                .filter((key, s) -> s.requests() > 0 && 4 * s.errors() >= s.requests())
                .mapValues(s -> new RollbackCommand("rb-" + s.eventId(), KanaryEvent.SCHEMA_VERSION, "d", s.service(),
                        "errors", null, null, s.intervalEnd()))
                .to(Topics.ROLLBACK_COMMANDS.name(), Produced.with(Serdes.String(), Topics.ROLLBACK_COMMANDS.valueSerde()));
        return builder.build();
    }
}
