package io.kanary.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.metrics.MetricsServer;
import io.kanary.metrics.ProcessMetrics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.testkit.BrokerWithTopics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watcher's meters while it probes a real HTTP instance learnt from a real broker, scraped over HTTP. */
class WatcherMetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern PROBED = Pattern.compile(
            "kanary_probes_total\\{outcome=\"ok\",service=\"checkout\",version=\"v2\"} [1-9]");

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldExposeTheProbesOfARealInstanceTheInstancesWatchedAndTheDeadLetters() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer scrape = MetricsServer.start(metrics.registry(), "127.0.0.1", 0);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.kafka(), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            HttpServer instance = vertx.createHttpServer().requestHandler(request -> request.response().end("up"))
                    .listen(0, "127.0.0.1").await();
            String address = "http://127.0.0.1:" + instance.actualPort();
            try (HealthWatcher watcher = HealthWatcher.start(new HealthWatcherConfig(broker.kafka(), 100,
                    Duration.ofSeconds(10), "watcher-metrics-test").withMeterRegistry(metrics.registry()))) {
                HostEvent.Started started = new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-1",
                        Ids.newId(), "d-checkout", "checkout", "v2", new Instance("i-1", address, address + "/health"),
                        Instant.now());
                ProducerRecord<String, HostEvent> record = CloudEvents.record(Topics.HOST_EVENTS, "host-1", started,
                        "/test", started.commandId());
                producer.send(new ProducerRecord<>(record.topic(), null, "host-1".getBytes(StandardCharsets.UTF_8),
                        Topics.HOST_EVENTS.valueSerde().serializer().serialize(record.topic(), started),
                        record.headers())).get();
                producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), "host-2".getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8))).get();

                await().atMost(WAIT).untilAsserted(() -> {
                    String body = scrape(scrape);
                    assertTrue(PROBED.matcher(body).find(), body);
                    assertTrue(body.contains("kanary_watcher_instances 1.0"), body);
                    assertTrue(body.contains(
                            "kanary_dlq_records_total{consumer=\"health-watcher\",topic=\"host.events\"} 1.0"), body);
                    assertTrue(body.contains("kanary_probe_duration_seconds_bucket{service=\"checkout\""), body);
                });
                assertTrue(scrape(scrape).contains("kafka_producer_record_send_total"), "the probes' producer is bound");
            }
        } finally {
            vertx.close().await();
        }
    }

    private static String scrape(MetricsServer server) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
