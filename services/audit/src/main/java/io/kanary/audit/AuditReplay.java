package io.kanary.audit;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.schema.KanaryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads every kanary topic from offset 0 up to where it ended when the replay began
 * ({@link TopicReplay}), and builds the {@link AuditReport}. Partitions are assigned by hand and
 * nothing is committed: an audit leaves no trace on the cluster, and two audits of the same topics
 * give the same report. A missing topic, or a replay cut short by its timeout, is named in the
 * report's problems; a cluster that does not answer at all is an error.
 *
 * <p>No record stops it: a null, truncated, oversized or incomplete record is listed in the
 * report as undecodable, with the reason, and the replay goes on. It dead-letters nothing: the
 * DLQs belong to the services that act on the records, and an audit that wrote to them would
 * add a copy at every run.
 */
public final class AuditReplay {
    private AuditReplay() {
    }

    /**
     * @param kafka   Kafka client properties
     * @param timeout the most the replay may take; what was not read by then is named in the
     *                report's problems
     */
    public static AuditReport replay(Map<String, Object> kafka, Duration timeout) {
        List<AuditEvent> events = new ArrayList<>();
        List<UndecodableRecord> undecodable = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Topic<String, ?>> topics = new HashMap<>();
        Topics.ALL.forEach(topic -> topics.put(topic.name(), topic));
        Map<String, Object> props = new HashMap<>(kafka);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-audit");
        try {
            TopicReplay.Replayed replayed = TopicReplay.readToEnd(props, Topics.ALL.stream().map(Topic::name).toList(),
                    timeout, record -> read(record, topics.get(record.topic()), events, undecodable));
            replayed.missingTopics().forEach(topic -> problems.add("topic " + topic + " does not exist"));
        } catch (TopicReplay.TimedOut e) {
            if (e.unfinished().isEmpty()) {
                throw e;
            }
            // The cluster answered but the topics are longer than the time given: report what was read.
            problems.add("replay stopped after " + timeout.toMillis() + " ms before the end of "
                    + String.join(", ", e.unfinished()));
        }
        return AuditReport.of(events, undecodable, problems);
    }

    private static <V> void read(ConsumerRecord<byte[], byte[]> record, Topic<String, V> topic,
                                 List<AuditEvent> events, List<UndecodableRecord> undecodable) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        EventReader.Outcome<V> read = EventReader.of(topic).read(record);
        if (read.isRefused() || !(read.event() instanceof KanaryEvent event)) {
            undecodable.add(new UndecodableRecord(record.topic(), record.partition(), record.offset(), key,
                    read.isRefused() ? read.refusal() : "not a kanary event"));
            return;
        }
        events.add(new AuditEvent(record.topic(), record.partition(), record.offset(), key, event,
                header(record, CloudEvents.ID), header(record, CloudEvents.TYPE), header(record, CloudEvents.TIME),
                header(record, CloudEvents.SOURCE), header(record, CloudEvents.SUBJECT),
                header(record, CloudEvents.CAUSATION_ID), Instant.ofEpochMilli(record.timestamp())));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return CloudEvents.header(record, name).orElse(null);
    }
}
