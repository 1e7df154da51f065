package io.kanary.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.metrics.MetricsServer;
import io.kanary.metrics.ProcessMetrics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.KanaryEvent;
import io.kanary.security.RunAllowList;
import io.kanary.testkit.BrokerWithTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The executor's meters after real commands from a real broker, scraped over HTTP as Prometheus would. */
class ExecutorMetricsIT {
    private static final String HOST = "host-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path logs;
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldExposeCommandsByActionAndOutcomeDeadLettersAndItsKafkaClients() throws Exception {
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer server = MetricsServer.start(metrics.registry(), "127.0.0.1", 0);
             HostExecutor executor = HostExecutor.start(new ExecutorConfig(broker.kafka(), "metered", List.of(HOST),
                     "process", logs, WAIT).withAllowList(RunAllowList.ANYTHING).withMeterRegistry(metrics.registry()))) {
            try (KafkaProducer<String, HostCommand> commands = new KafkaProducer<>(broker.kafka(), new StringSerializer(),
                    Topics.HOST_COMMANDS.valueSerde().serializer());
                 KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(broker.kafka(), new ByteArraySerializer(),
                         new ByteArraySerializer())) {
                commands.send(CloudEvents.record(Topics.HOST_COMMANDS, HOST, new HostCommand.Stop(Ids.newId(),
                        KanaryEvent.SCHEMA_VERSION, HOST, "d-1", "shop", Instant.now()), "/kanary/test", null)).get();
                raw.send(new ProducerRecord<>(Topics.HOST_COMMANDS.name(), HOST.getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8))).get();
            }

            await().atMost(WAIT).untilAsserted(() -> {
                String body = scrape(server);
                assertTrue(body.contains("kanary_executor_commands_total{action=\"stop\",outcome=\"succeeded\"} 1.0"), body);
                assertTrue(body.contains("kanary_executor_command_seconds_count{action=\"stop\",outcome=\"succeeded\"} 1"),
                        body);
                assertTrue(body.contains("kanary_dlq_records_total{consumer=\"executor\",topic=\"host.commands\"} 1.0"),
                        body);
                assertTrue(body.contains("kanary_executor_commands_in_flight 0.0"), body);
            });
            assertTrue(scrape(server).contains("kafka_consumer_fetch_manager_records_consumed_total"),
                    "the consumer of host.commands is bound");
        }
    }

    private static String scrape(MetricsServer server) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
