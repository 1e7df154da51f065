package io.kanary.audit;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads every kanary topic up to where it ended when the replay began and builds the
 * {@link AuditReport}, in two streaming passes whose memory does not grow with the probes:
 * <ol>
 *   <li>the decisions (requests, deployment events, host commands and events, breaches,
 *       rollbacks, judgements, controls), few, held whole; they also tell which probe ids a
 *       decision cites;</li>
 *   <li>the evidence topics (health.probes, traffic.samples), the bulk, each partition read in
 *       offset order and merged by time ({@link PartitionMerge}), folded into sums as they are
 *       read ({@link EvidenceFold}) and never kept, but for the probes a decision cites.</li>
 * </ol>
 * {@link #replayDeployment} reads the evidence only over one deployment's time.
 *
 * <p>Partitions are assigned by hand and nothing is committed: an audit leaves no trace on the
 * cluster, and two audits of the same topics give the same report. A missing topic, or a replay
 * cut short by its timeout, is named in the report's problems; a cluster that does not answer at
 * all is an error. No record stops it: a null, truncated, oversized or incomplete record is
 * listed in the report as undecodable, with the reason, and the replay goes on. It dead-letters
 * nothing: the DLQs belong to the services that act on the records, and an audit that wrote to
 * them would add a copy at every run.
 */
public final class AuditReplay {
    /** The topics whose records are summed, not kept: many per instance and second. */
    static final Set<String> EVIDENCE_TOPICS = Set.of(Topics.HEALTH_PROBES.name(), Topics.TRAFFIC_SAMPLES.name());
    /**
     * How far around a deployment's own record timestamps a targeted read looks for its probes:
     * the probes are stamped by the health-watcher's clock, the deployment's events by the
     * planner's and executors', and timestamps within a partition are not strictly ordered.
     */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    private AuditReplay() {
    }

    /**
     * Every topic from offset 0.
     *
     * @param kafka   Kafka client properties
     * @param timeout the most the replay may take; what was not read by then is named in the
     *                report's problems
     */
    public static AuditReport replay(Map<String, Object> kafka, Duration timeout) {
        Read read = new Read(kafka, timeout);
        Decisions decisions = read.decisions();
        EvidenceFold evidence = decisions.fold();
        read.evidence(PartitionMerge.Range.ALL, evidence);
        return read.report(decisions, evidence);
    }

    /**
     * One deployment's timeline without reading unrelated history: the decisions whole (they are
     * few, and a chain may reach into another deployment), then the probes and traffic samples
     * only from the deployment's first record to its last, {@link #CLOCK_MARGIN} either side
     * ({@code offsetsForTimes} on each partition), or to their end while it is in progress. Its
     * probe sums count the probes of that time; a full {@link #replay} also counts the later
     * probes of the instances it left running. Other deployments in the report are summed over
     * the same time only.
     */
    public static AuditReport replayDeployment(Map<String, Object> kafka, String deploymentId, Duration timeout) {
        Read read = new Read(kafka, timeout);
        Decisions decisions = read.decisions();
        EvidenceFold evidence = decisions.fold();
        List<AuditEvent> own = decisions.ordered().stream()
                .filter(e -> deploymentId.equals(decisions.causes().deploymentOf(e))).toList();
        if (!own.isEmpty()) {
            read.evidence(range(own), evidence);
        }
        return read.report(decisions, evidence);
    }

    /** The record timestamps of a deployment's events, widened by the margin; open-ended while it is in progress. */
    static PartitionMerge.Range range(List<AuditEvent> own) {
        Instant first = own.stream().map(AuditEvent::timestamp).min(Instant::compareTo).orElseThrow();
        Instant last = own.stream().map(AuditEvent::timestamp).max(Instant::compareTo).orElseThrow();
        boolean ended = own.stream().anyMatch(e -> e.event() instanceof DeploymentEvent d && d.isTerminal());
        return new PartitionMerge.Range(first.minus(CLOCK_MARGIN), ended ? last.plus(CLOCK_MARGIN) : null);
    }

    /** One replay's reads, under one deadline, with what they could not read. */
    private static final class Read {
        private final Map<String, Object> props;
        private final Duration timeout;
        private final long deadline;
        private final Map<String, Topic<String, ?>> topics = new HashMap<>();
        private final UndecodableRecords undecodable = new UndecodableRecords();
        private final List<String> problems = new ArrayList<>();

        Read(Map<String, Object> kafka, Duration timeout) {
            this.props = new HashMap<>(kafka);
            props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-audit");
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            Topics.ALL.forEach(topic -> topics.put(topic.name(), topic));
        }

        /**
         * The decisions, then the instance.health summaries they cite. Those summaries come about once a
         * second per watched instance, so they grow with time like the probes: only the few a decision
         * names as its cause (a health gate passing) are kept, with the probe each of them cites.
         */
        Decisions decisions() {
            List<AuditEvent> events = new ArrayList<>();
            merge(Topics.ALL.stream().map(Topic::name)
                            .filter(t -> !EVIDENCE_TOPICS.contains(t) && !t.equals(Topics.INSTANCE_HEALTH.name())).toList(),
                    PartitionMerge.Range.ALL, e -> {
                        if (!(e.event() instanceof Judgement.Progress)) {
                            events.add(e); // progress is advisory and left out of the timeline: not held either
                        }
                    });
            Set<String> cited = new Decisions(events).cited();
            merge(List.of(Topics.INSTANCE_HEALTH.name()), PartitionMerge.Range.ALL, e -> {
                if (cited.contains(e.id())) {
                    events.add(e);
                }
            });
            return new Decisions(events);
        }

        void evidence(PartitionMerge.Range range, EvidenceFold fold) {
            if (System.nanoTime() - deadline >= 0) {
                problems.add("replay stopped after " + timeout.toMillis() + " ms before reading "
                        + String.join(", ", EVIDENCE_TOPICS.stream().sorted().toList()));
                return;
            }
            merge(Topics.ALL.stream().map(Topic::name).filter(EVIDENCE_TOPICS::contains).toList(), range, fold::add);
        }

        AuditReport report(Decisions decisions, EvidenceFold evidence) {
            problems.addAll(undecodable.problems());
            return AuditReport.of(decisions, evidence, undecodable.listed(), problems);
        }

        private void merge(List<String> names, PartitionMerge.Range range, Consumer<AuditEvent> each) {
            PartitionMerge.Result result = PartitionMerge.read(props, names, range, deadline,
                    record -> read(record, topics.get(record.topic()), each));
            result.missingTopics().forEach(topic -> problems.add("topic " + topic + " does not exist"));
            if (!result.unfinished().isEmpty()) {
                // The cluster answered but the topics are longer than the time given: report what was read.
                problems.add("replay stopped after " + timeout.toMillis() + " ms before the end of "
                        + String.join(", ", result.unfinished()));
            }
        }

        private <V> void read(ConsumerRecord<byte[], byte[]> record, Topic<String, V> topic, Consumer<AuditEvent> each) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            EventReader.Outcome<V> read = EventReader.of(topic).read(record);
            if (read.isRefused() || !(read.event() instanceof KanaryEvent event)) {
                undecodable.add(new UndecodableRecord(record.topic(), record.partition(), record.offset(), key,
                        read.isRefused() ? read.refusal() : "not a kanary event"));
                return;
            }
            each.accept(new AuditEvent(record.topic(), record.partition(), record.offset(), key, event,
                    header(record, CloudEvents.ID), header(record, CloudEvents.TYPE), header(record, CloudEvents.TIME),
                    header(record, CloudEvents.SOURCE), header(record, CloudEvents.SUBJECT),
                    header(record, CloudEvents.CAUSATION_ID), Instant.ofEpochMilli(record.timestamp())));
        }

        private static String header(ConsumerRecord<?, ?> record, String name) {
            return CloudEvents.header(record, name).orElse(null);
        }
    }
}
