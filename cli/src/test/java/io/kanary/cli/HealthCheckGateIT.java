package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.demo.EmbeddedAllowList;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.Topics;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.security.RunRule;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deployment's health check gates its rollout, end to end on the embedded broker with the process
 * driver: demo-app answers {@code {"status": "ok"}}, so a check expecting "healthy" fails every
 * probe and rolls the version back, while one expecting "ok" (or a command check that passes) lets it succeed.
 */
class HealthCheckGateIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    /** No start-up grace: every failed probe counts, so a version failing its check is rolled back within seconds. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 3, 1_000L, 60_000L)
            .withStartupGraceMs(0);
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;

    @AfterEach
    void stopEverything() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRollBackAVersionWhoseBodyMissesTheExpectedValueAndPassOneThatHoldsIt() throws Exception {
        Path data = Files.createTempDirectory("kanary-check-gate-");
        Path flag = Files.createFile(data.resolve("ready"));
        stack = KanaryStack.start(StackOptions.processes(null, 0, data,
                EnumSet.of(ServiceName.EXECUTOR, ServiceName.HEALTH_WATCHER, ServiceName.PLANNER,
                        ServiceName.BREACH_DETECTOR), HOSTS, 0, 100), OUT,
                EmbeddedAllowList.of(Map.of()).with(DemoScenario.SERVICE,
                        new RunRule(List.of("/usr/bin/test"), List.of(), List.of())));
        DemoScenario demo = new DemoScenario(stack.plannerClient(), HOSTS, Driver.PROCESS, OUT);
        demo.awaitHosts();
        assertEquals("SUCCEEDED", demo.rollout("fleet-v1", "v1", 0.0, HOSTS.size(), POLICY));

        assertEquals("ROLLED_BACK", demo.rollout("healthy-v2", "v2",
                DemoScenario.demoApp("v2", 0.0).withCheck(statusEquals("healthy")), 1, POLICY));
        List<ProbeResult> v2 = probesOf("v2");
        assertTrue(!v2.isEmpty() && v2.stream().noneMatch(ProbeResult::ok), v2.toString());
        // The first probes meet a running instance whose answer misses the check; later ones may meet it stopping.
        assertEquals("body /status was \"ok\", expected \"healthy\"", v2.get(0).error());

        assertEquals("SUCCEEDED", demo.rollout("ok-v3", "v3",
                DemoScenario.demoApp("v3", 0.0).withCheck(statusEquals("ok")), 1, POLICY));
        assertEquals("SUCCEEDED", demo.rollout("command-v4", "v4", DemoScenario.demoApp("v4", 0.0)
                .withCheck(new HealthCheck.Command(List.of("/usr/bin/test", "-e", flag.toString()), 0, null)),
                HOSTS.size(), POLICY));
        assertTrue(probesOf("v4").stream().allMatch(p -> p.ok() && p.error() == null), probesOf("v4").toString());
    }

    private static HealthCheck.Http statusEquals(String status) {
        return new HealthCheck.Http("/health", List.of(200), new HealthCheck.BodyExpectation("/status",
                TextNode.valueOf(status)), 2_000L);
    }

    private List<ProbeResult> probesOf(String version) {
        Map<String, Object> props = new HashMap<>(stack.kafka());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ProbeResult> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.HEALTH_PROBES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ProbeResult probe = Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (probe.version().equals(version)) {
                        out.add(probe);
                    }
                }
            }
        }
        return out;
    }
}
