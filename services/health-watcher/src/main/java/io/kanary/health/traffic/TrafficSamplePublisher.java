package io.kanary.health.traffic;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topics;
import io.kanary.schema.TrafficSample;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams traffic samples to traffic.samples, keyed by service, each naming the host event behind its instance. */
public final class TrafficSamplePublisher implements TrafficScraper.SampleSink, AutoCloseable {
    /** The CloudEvents source of the samples: the health-watcher's, as its probes have. */
    public static final String SOURCE = "/kanary/health-watcher";
    private static final Logger LOG = LoggerFactory.getLogger(TrafficSamplePublisher.class);
    private static final int LINGER_MS = 5;

    private final Producer<String, TrafficSample> producer;

    private TrafficSamplePublisher(Producer<String, TrafficSample> producer) {
        this.producer = producer;
    }

    /** A publisher whose first send will not block: the topic's metadata is fetched here, off the event loop. */
    public static TrafficSamplePublisher create(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "kanary-health-watcher-traffic");
        // A client id given for the probes' producer must not be shared: two producers, two ids.
        if (kafka.containsKey(ProducerConfig.CLIENT_ID_CONFIG)) {
            props.put(ProducerConfig.CLIENT_ID_CONFIG, kafka.get(ProducerConfig.CLIENT_ID_CONFIG) + "-traffic");
        }
        KafkaProducer<String, TrafficSample> producer = new KafkaProducer<>(props,
                Topics.TRAFFIC_SAMPLES.keySerde().serializer(), Topics.TRAFFIC_SAMPLES.valueSerde().serializer());
        try {
            producer.partitionsFor(Topics.TRAFFIC_SAMPLES.name());
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("Cannot reach topic " + Topics.TRAFFIC_SAMPLES.name() + " at "
                    + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getMessage()
                    + "; create kanary's topics first and let the health-watcher write it", e);
        }
        return new TrafficSamplePublisher(producer);
    }

    @Override
    public void publish(ScrapedInstance instance, TrafficSample sample) {
        try {
            producer.send(CloudEvents.record(Topics.TRAFFIC_SAMPLES, sample.service(), sample, SOURCE,
                    instance.causationId()), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("Traffic sample of {} on {} was not written: {}", sample.service(), sample.hostId(),
                            error.getMessage());
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            // A sample lost is one interval's evidence lost, not a reason to stop reading.
            LOG.warn("Traffic sample of {} on {} was not sent: {}", sample.service(), sample.hostId(), e.getMessage());
        }
    }

    /** The Kafka client meters of its producer, to bind to a registry. */
    public io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics clientMetrics() {
        return new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
