package io.kanary.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.demo.DemoApp;
import io.kanary.demo.DemoAppConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSource;
import io.kanary.testkit.BrokerWithTopics;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watcher reading real demo-app instances' request metrics against a real broker: what lands on
 * traffic.samples adds up to the requests the test sent, across a restart of the instance too, and
 * an instance without metrics yields no samples and no failed probes.
 */
class TrafficScrapeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long SCRAPE_INTERVAL_MS = 200;
    private static final long PROBE_INTERVAL_MS = 200;

    @RegisterExtension
    static final BrokerWithTopics BROKER = new BrokerWithTopics();
    private static Map<String, Object> kafka;
    private static Vertx vertx;
    private static WebClient client;
    private static KafkaProducer<byte[], byte[]> producer;
    private static KafkaConsumer<byte[], byte[]> samplesConsumer;
    private static KafkaConsumer<byte[], byte[]> probesConsumer;
    private static final List<ConsumerRecord<byte[], byte[]>> samples = new ArrayList<>();
    private static final List<ProbeResult> probes = new ArrayList<>();
    private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private static HealthWatcher watcher;

    @BeforeAll
    static void start() {
        kafka = BROKER.kafka();
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        samplesConsumer = consumerOf(Topics.TRAFFIC_SAMPLES.name());
        probesConsumer = consumerOf(Topics.HEALTH_PROBES.name());
        // A generous probe timeout: on a loaded machine an answer may be late, and late is still healthy here.
        watcher = HealthWatcher.start(new HealthWatcherConfig(kafka, 60_000, Duration.ofSeconds(10),
                "traffic-scrape-test", meters));
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        samplesConsumer.close();
        probesConsumer.close();
        producer.close();
        vertx.close().await();
    }

    @Test
    void shouldPublishTheRequestsAndErrorsTheInstanceServedInIntervals() {
        try (DemoApp app = DemoApp.start(new DemoAppConfig(0, "v2", 0.1, 0))) {
            deploymentStarted("shop", TrafficSource.defaults().path(), true);
            HostEvent.Started started = hostStarted("shop", "v2", "host-1", "i-shop", app.port());
            awaitBaseline("i-shop");

            int failed = send(app.port(), 100);

            await().atMost(WAIT).until(() -> requestsOf("i-shop") == 100);
            assertEquals(failed, errorsOf("i-shop"));
            int seen = samplesOf("i-shop").size();
            await().atMost(WAIT).until(() -> samplesOf("i-shop").size() >= seen + 3);
            assertEquals(List.of(100L, (long) failed), List.of(requestsOf("i-shop"), errorsOf("i-shop")));
            // Every request took less than 5 s: the largest bucket counts them all.
            assertEquals(100L, samplesOf("i-shop").stream().mapToLong(s -> s.latency().isEmpty() ? 0
                    : s.latency().get(s.latency().size() - 1).count()).sum());
            ConsumerRecord<byte[], byte[]> record = recordsOf("i-shop").get(0);
            TrafficSample sample = decode(record);
            assertEquals(List.of("shop", "shop", "v2", "host-1", "scrape"), List.of(new String(record.key(),
                    StandardCharsets.UTF_8), sample.service(), sample.version(), sample.hostId(), sample.source()));
            assertEquals(started.eventId(), CloudEvents.header(record, CloudEvents.CAUSATION_ID).orElseThrow());
            assertEquals("kanary.traffic.sample.v1", CloudEvents.header(record, CloudEvents.TYPE).orElseThrow());
            assertTrue(sample.intervalStart().isBefore(sample.intervalEnd()), sample.toString());
        }
    }

    @Test
    void shouldCountARestartedInstancesRequestsFromZeroNeverNegativeNorTwice() {
        int port;
        try (DemoApp first = DemoApp.start(new DemoAppConfig(0, "v1", 0.0, 0))) {
            port = first.port();
            deploymentStarted("cart", TrafficSource.defaults().path(), true);
            hostStarted("cart", "v1", "host-2", "i-cart", port);
            awaitBaseline("i-cart");
            send(port, 30);
            await().atMost(WAIT).until(() -> requestsOf("i-cart") == 30);
        }
        try (DemoApp second = DemoApp.start(new DemoAppConfig(port, "v1", 0.0, 0))) {
            send(port, 20);

            await().atMost(WAIT).until(() -> requestsOf("i-cart") == 50);
            int seen = samplesOf("i-cart").size();
            await().atMost(WAIT).until(() -> samplesOf("i-cart").size() >= seen + 3);
            assertEquals(50L, requestsOf("i-cart"));
            assertTrue(samplesOf("i-cart").stream().allMatch(s -> s.requests() >= 0 && s.requests() <= 30),
                    samplesOf("i-cart").toString());
        }
    }

    @Test
    void shouldPublishNoSamplesAndFailNoProbesOfAnInstanceWithoutMetrics() {
        HttpServer plain = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/health")) {
                request.response().end("up");
            } else {
                request.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").await();
        try {
            deploymentStarted("plain", TrafficSource.defaults().path(), true);
            hostStarted("plain", "v1", "host-3", "i-plain", plain.actualPort());

            await().atMost(WAIT).until(() -> scrapes("plain", "failed") >= 5 && probesOf("i-plain").size() >= 5);
            assertEquals(0, samplesOf("i-plain").size());
            assertTrue(probesOf("i-plain").stream().allMatch(ProbeResult::ok), probesOf("i-plain").toString());
            assertEquals(0.0, scrapes("plain", "ok"));
        } finally {
            plain.close().await();
        }
    }

    @Test
    void shouldNotReadTheMetricsOfAServiceWhosePolicyNamesNoTrafficSource() {
        try (DemoApp app = DemoApp.start(new DemoAppConfig(0, "v1", 0.0, 0))) {
            deploymentStarted("probed", null, false);
            hostStarted("probed", "v1", "host-4", "i-probed", app.port());
            await().atMost(WAIT).until(() -> probesOf("i-probed").size() >= 5);
            send(app.port(), 10);
            await().atMost(WAIT).until(() -> probesOf("i-probed").size() >= 10);

            assertEquals(0, samplesOf("i-probed").size());
            assertEquals(0.0, scrapes("probed", "ok") + scrapes("probed", "failed"));
        }
    }

    /** The first read only sets the baseline; a sample (of no requests yet) shows the second was taken. */
    private static void awaitBaseline(String instanceId) {
        await().atMost(WAIT).until(() -> !samplesOf(instanceId).isEmpty());
    }

    /** Sends {@code n} requests to the instance's work path, one after the other; returns how many answered 500. */
    private static int send(int port, int n) {
        int failed = 0;
        for (int i = 0; i < n; i++) {
            int status = client.get(port, "127.0.0.1", "/").send().map(r -> r.statusCode())
                    .toCompletionStage().toCompletableFuture().join();
            failed += status == 500 ? 1 : 0;
        }
        return failed;
    }

    private static double scrapes(String service, String outcome) {
        return Search.in(meters).name("kanary.traffic.scrapes").tags("service", service, "outcome", outcome)
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static long requestsOf(String instanceId) {
        return samplesOf(instanceId).stream().mapToLong(TrafficSample::requests).sum();
    }

    private static long errorsOf(String instanceId) {
        return samplesOf(instanceId).stream().mapToLong(TrafficSample::errors).sum();
    }

    private static List<TrafficSample> samplesOf(String instanceId) {
        return recordsOf(instanceId).stream().map(TrafficScrapeIT::decode).toList();
    }

    private static synchronized List<ConsumerRecord<byte[], byte[]>> recordsOf(String instanceId) {
        samplesConsumer.poll(Duration.ofMillis(50)).forEach(samples::add);
        return samples.stream().filter(r -> instanceId.equals(decode(r).instanceId())).toList();
    }

    private static synchronized List<ProbeResult> probesOf(String instanceId) {
        probesConsumer.poll(Duration.ofMillis(50)).forEach(r -> probes.add(
                Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(r.topic(), r.value())));
        // A probe the loaded test machine made the watcher skip is neither a pass nor a failure: left out.
        return probes.stream().filter(p -> instanceId.equals(p.instanceId()) && !p.wasSkipped()).toList();
    }

    private static TrafficSample decode(ConsumerRecord<byte[], byte[]> record) {
        return Topics.TRAFFIC_SAMPLES.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static void deploymentStarted(String service, String path, boolean traffic) {
        Policy policy = new Policy(null, null, null, null, PROBE_INTERVAL_MS, null, null, null);
        if (traffic) {
            policy = policy.withTraffic(new TrafficSource(path, SCRAPE_INTERVAL_MS, null, null, null, null));
        }
        DeploymentEvent.Started started = new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                "d-" + service, service, "v2", "v1", Map.of(), null, policy, List.of(List.of("host-1")), "test",
                Instant.now());
        sendEvent(Topics.DEPLOY_EVENTS, service, started, null);
    }

    private static HostEvent.Started hostStarted(String service, String version, String hostId, String instanceId,
                                                 int port) {
        String address = "http://127.0.0.1:" + port;
        HostEvent.Started started = new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, Ids.newId(),
                "d-" + service, service, version, new Instance(instanceId, address, address + "/health"), Instant.now());
        sendEvent(Topics.HOST_EVENTS, hostId, started, started.commandId());
        return started;
    }

    private static <V extends KanaryEvent> void sendEvent(Topic<String, V> topic, String key, V event, String cause) {
        ProducerRecord<String, V> record = CloudEvents.record(topic, key, event, "/test", cause);
        producer.send(new ProducerRecord<>(record.topic(), null, key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(record.topic(), event), record.headers()));
        producer.flush();
    }

    private static KafkaConsumer<byte[], byte[]> consumerOf(String topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
