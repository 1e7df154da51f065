package io.kanary.bench.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.metrics.ProcessMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.util.Properties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The name and labels Micrometer's {@link KafkaClientMetrics} gives Kafka's {@code records-lag-max}
 * in the Prometheus exposition, found on a real consumer of the embedded broker rather than guessed:
 * the consumer-lag alert and the dashboard's lag panel are written against exactly these.
 */
class KafkaConsumerLagMetricIT {
    private static final String TOPIC = "lag-probe";
    private static final int RECORDS = 50;
    private static final int POLLED = 5;

    @Test
    void shouldExposeTheConsumersLargestLagPerClientAndPartitionUnderTheContractsName() throws Exception {
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             ProcessMetrics metrics = ProcessMetrics.start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "k", "v" + i));
                }
                producer.flush();
            }
            Map<String, Object> settings = new HashMap<>();
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, "kanary-lag-probe");
            settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "lag-probe-consumer");
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, POLLED);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                    new StringDeserializer());
                 KafkaClientMetrics binder = new KafkaClientMetrics(consumer, Tags.empty(), refresher,
                         Duration.ofMillis(200))) {
                binder.bindTo(metrics.registry());
                consumer.subscribe(List.of(TOPIC));
                AtomicInteger consumed = new AtomicInteger();
                // The consumer stops after its first batch: 45 records stay behind it.
                await().atMost(Duration.ofSeconds(60)).until(() -> consumed.addAndGet(
                        consumer.poll(Duration.ofMillis(200)).count()) > 0);
                assertEquals(POLLED, consumed.get());

                String lagLines = await().atMost(Duration.ofSeconds(60)).until(
                        () -> lines(metrics.scrape(), "kafka_consumer_fetch_manager_records_lag_max{"),
                        found -> found.contains("topic=\"" + TOPIC + "\""));

                System.out.println("KafkaClientMetrics' records-lag-max in the Prometheus exposition:\n" + lagLines);
                // One series per partition, labelled with the client and the topic (no consumer group): Micrometer
                // keeps the partition-level records-lag-max and drops the client-level one with fewer tags, so a
                // rule sums or maxes over partitions itself.
                assertEquals(List.of("kafka_consumer_fetch_manager_records_lag_max{client_id=\"lag-probe-consumer\","
                                + "kafka_version=\"*\",partition=\"0\",topic=\"lag-probe\"} 45.0"),
                        lagLines.lines().map(l -> l.replaceAll("kafka_version=\"[^\"]*\"", "kafka_version=\"*\"")).toList());
            }
        } finally {
            refresher.shutdownNow();
        }
    }

    /**
     * In {@code kanary up} one registry holds the planner's consumers and the breach-detector's Kafka
     * Streams consumers: what records-lag-max looks like there, with both binders bound.
     */
    @Test
    void shouldShowTheStreamsConsumersLagBesideAPlainConsumersInOneRegistry(@TempDir Path stateDir) throws Exception {
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             ProcessMetrics metrics = ProcessMetrics.start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "k", "v" + i));
                }
                producer.flush();
            }
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(TOPIC, Consumed.with(Serdes.String(), Serdes.String())).foreach((k, v) -> { });
            Properties streamsSettings = new Properties();
            streamsSettings.put(StreamsConfig.APPLICATION_ID_CONFIG, "kanary-lag-probe-streams");
            streamsSettings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            streamsSettings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            streamsSettings.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
            Map<String, Object> settings = new HashMap<>();
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, "kanary-lag-probe");
            settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "lag-probe-consumer");
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, POLLED);
            try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsSettings);
                 KafkaStreamsMetrics streamsBinder = new KafkaStreamsMetrics(streams, Tags.empty(), refresher, Duration.ofMillis(200));
                 KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                         new StringDeserializer());
                 KafkaClientMetrics consumerBinder = new KafkaClientMetrics(consumer, Tags.empty(), refresher,
                         Duration.ofMillis(200))) {
                streamsBinder.bindTo(metrics.registry());
                consumerBinder.bindTo(metrics.registry());
                streams.start();
                consumer.subscribe(List.of(TOPIC));
                AtomicInteger consumed = new AtomicInteger();
                await().atMost(Duration.ofSeconds(60)).until(() -> consumed.addAndGet(
                        consumer.poll(Duration.ofMillis(200)).count()) > 0);

                String lagLines = await().atMost(Duration.ofSeconds(90)).until(
                        () -> lines(metrics.scrape(), "kafka_consumer_fetch_manager_records_lag_max{"),
                        found -> found.contains("lag-probe-consumer") && found.contains("StreamThread"));

                System.out.println("records-lag-max with a plain consumer and a Kafka Streams app in one registry:\n" + lagLines);
                List<String> labelKeys = lagLines.lines().map(KafkaConsumerLagMetricIT::labelKeys).distinct().toList();
                // One set of label keys for both (Prometheus refuses two under one name), and it keeps client_id and topic.
                assertEquals(1, labelKeys.size(), lagLines);
                assertTrue(labelKeys.get(0).contains("client_id") && labelKeys.get(0).contains("topic"), labelKeys.get(0));
            }
        } finally {
            refresher.shutdownNow();
        }
    }

    private static String labelKeys(String seriesLine) {
        String labels = seriesLine.substring(seriesLine.indexOf('{') + 1, seriesLine.lastIndexOf('}'));
        return String.join(",", java.util.Arrays.stream(labels.split(",(?=[a-z_]+=)")).map(l -> l.split("=", 2)[0]).sorted()
                .toList());
    }

    private static String lines(String scrape, String containing) {
        return scrape.lines().filter(l -> l.contains(containing)).collect(Collectors.joining("\n"));
    }
}
