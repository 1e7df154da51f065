package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each service runs on its own: {@code kanary up --bootstrap-server B --services executor} is a
 * process of its own, without the planner, serving the hosts and under the executor id its flags
 * name, and it stays up.
 */
class SplitModeIT {
    private static final Duration START = Duration.ofSeconds(120);

    private EmbeddedKafkaBroker broker;
    private Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        broker.close();
    }

    @Test
    void anExecutorRunsAloneUnderTheIdAndHostsItsFlagsName() throws Exception {
        process = kanary("up", "--bootstrap-server", broker.bootstrapServers(), "--services", "executor",
                "--executor-id", "split-e7", "--hosts", "split-a,split-b", "--host-labels", "env=staging,zone=a");

        await().atMost(START).until(() -> output.stream().anyMatch(l -> l.startsWith("kanary is up:")));

        assertEquals("kanary is up: executor split-e7 (split-a, split-b); Kafka at " + broker.bootstrapServers()
                + ". Ctrl-C to stop.", output.stream().filter(l -> l.startsWith("kanary is up:")).findFirst().orElseThrow());
        assertTrue(process.isAlive(), "kanary up without the planner exited: " + output);
        Map<String, Map<String, String>> announced = announcedHosts();
        assertEquals(Map.of("split-a", Map.of("env", "staging", "zone", "a"), "split-b", Map.of("env", "staging", "zone", "a")),
                announced);
    }

    @Test
    void aWatcherAndADetectorRunTogetherWithoutThePlanner(@TempDir Path state) throws Exception {
        process = kanary("up", "--bootstrap-server", broker.bootstrapServers(), "--services",
                "health-watcher,breach-detector", "--state-dir", state.toString());

        await().atMost(START).until(() -> output.stream().anyMatch(l -> l.startsWith("kanary is up:")));

        assertEquals("kanary is up: health-watcher, breach-detector; Kafka at " + broker.bootstrapServers()
                + ". Ctrl-C to stop.", output.stream().filter(l -> l.startsWith("kanary is up:")).findFirst().orElseThrow());
        assertTrue(process.isAlive(), "kanary up without the planner exited: " + output);
    }

    @Test
    void anUnknownServiceIsRefusedWithTheKnownOnes() {
        int exit = Kanary.run("up", "--bootstrap-server", broker.bootstrapServers(), "--services", "planer");

        assertEquals(2, exit);
    }

    /** kanary as its own OS process, from this JVM's classpath; its output lines collected. */
    private Process kanary(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.kanary.cli.Kanary"));
        command.addAll(List.of(args));
        Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        pump.setDaemon(true);
        pump.start();
        return started;
    }

    /** The labels each host.announced record so far gave its host, by host id. */
    private Map<String, Map<String, String>> announcedHosts() {
        Map<String, Object> props = KafkaSettings.bootstrap(broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "split-it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Map<String, String>> hosts = new java.util.TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("host.events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (hosts.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.value().contains("\"host.announced\"")) {
                        HostEvent.Announced announced = (HostEvent.Announced) Topics.HOST_EVENTS.valueSerde()
                                .deserializer().deserialize(r.topic(), r.value().getBytes(StandardCharsets.UTF_8));
                        hosts.put(r.key(), announced.labels() == null ? Map.of() : announced.labels());
                    }
                }
            }
        }
        return hosts;
    }
}
