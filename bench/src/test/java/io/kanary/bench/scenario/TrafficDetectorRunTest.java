package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
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
}
