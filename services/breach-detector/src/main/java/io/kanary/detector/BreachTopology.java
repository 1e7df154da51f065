package io.kanary.detector;

import io.kanary.detector.evidence.BatchTracker;
import io.kanary.detector.evidence.EvidenceJudge;
import io.kanary.detector.evidence.EvidenceStores;
import io.kanary.detector.input.DeadLetter;
import io.kanary.detector.input.Decode;
import io.kanary.detector.input.Decoded;
import io.kanary.detector.input.InputRules;
import io.kanary.detector.input.Validator;
import io.kanary.detector.metrics.DetectorMetrics;
import io.kanary.detector.metrics.JudgementGauges;
import io.kanary.detector.metrics.JudgementMeters;
import io.kanary.detector.state.DeploymentTracker;
import io.kanary.detector.state.DetectorStores;
import io.kanary.detector.verdict.Judgement;
import io.kanary.detector.verdict.OncePerDeployment;
import io.kanary.detector.verdict.RollbackOrder;
import io.kanary.detector.verdict.Verdict;
import io.kanary.detector.window.ProbeWindows;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The breach-detector's topology:
 * <ol>
 * <li>deploy.events → each service's active deployment (a state store);</li>
 * <li>health.probes and traffic.samples → per-second buckets per service and version; a probe or a
 *     traffic sample of a deployment's new version looks at the window behind it and is judged
 *     against the policy;</li>
 * <li>the first breach of a deployment → breaches, and its rollback command → rollback.commands.</li>
 * </ol>
 * The inputs are read as bytes: what cannot be read, or is invalid, leaves through the topic's
 * {@code -dlq} branch to {@code <topic>.dlq}.
 *
 * <p>Scaling out: deploy.events, health.probes and traffic.samples have the same partitions and are keyed
 * by service (checked at start by {@code InputPartitions}), so task {@code n} holds the active deployments,
 * windows and verdicts of the services on partition {@code n} of each, and any number of detector
 * processes of one application id share the tasks. Not a global store for the deployments: the
 * evidence branch's processors write the batch state the probes update, and a global store is
 * read-only to them and updated out of step with the probes; not a repartition of a one-partition
 * deploy.events either: the hop lets a deployment's first probes overtake it.
 *
 * <p>Its meters go to the config's registry: the probes judged and the figures judged (a step
 * before the judgement), the breaches and rollbacks emitted, the decision time, the dead letters.
 */
public final class BreachTopology {
    private BreachTopology() {
    }

    public static Topology build(DetectorConfig config) {
        DetectorMetrics metrics = new DetectorMetrics(config.meterRegistry());
        JudgementGauges gauges = new JudgementGauges(config.meterRegistry());
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(config.streamsProperties())));
        builder.addStateStore(DetectorStores.activeDeployments());
        builder.addStateStore(DetectorStores.probeBuckets(config));
        builder.addStateStore(DetectorStores.failureRuns());
        builder.addStateStore(DetectorStores.instanceStarts());
        builder.addStateStore(DetectorStores.judgedDeployments());
        builder.addStateStore(DetectorStores.trafficWatermarks());

        KStream<byte[], DeploymentEvent> deployEvents = events(builder, Topics.DEPLOY_EVENTS, InputRules::deploymentEvent, metrics);
        deployEvents
                .process(() -> new DeploymentTracker(gauges), Named.as("track-deployments"), DetectorStores.ACTIVE_DEPLOYMENTS);

        KStream<byte[], ProbeResult> probes = events(builder, Topics.HEALTH_PROBES, InputRules::probe, metrics);
        KStream<byte[], KanaryEvent> traffic = traffic(builder, metrics);
        KStream<byte[], KanaryEvent> probesAndTraffic = probes
                .mapValues(KanaryEvent.class::cast, Named.as("probes-as-evidence"))
                .merge(traffic, Named.as("probes-and-traffic"));
        evidence(builder, deployEvents, probesAndTraffic);
        probesAndTraffic
                .process(() -> new ProbeWindows(config), Named.as("window-probes"),
                        DetectorStores.PROBE_BUCKETS, DetectorStores.FAILURE_RUNS, DetectorStores.ACTIVE_DEPLOYMENTS,
                        DetectorStores.INSTANCE_STARTS, DetectorStores.TRAFFIC_WATERMARKS)
                .processValues(() -> new JudgementMeters(metrics, gauges), Named.as("meter-judgement"))
                .mapValues(Judgement::of, Named.as("judge"))
                .split(Named.as("verdict-"))
                .branch((service, verdict) -> verdict.isBreach(), Branched.withConsumer(verdicts -> breaches(verdicts, metrics), "breach"))
                .noDefaultBranch();

        return builder.build();
    }

    /**
     * traffic.samples, judged beside the probes: one processor counts both into the same buckets (its
     * in-memory cache of them must see every write), so the two streams merge before it. Both topics
     * are keyed by service and have the same partitions, so a service's probes and traffic meet in one task.
     */
    private static KStream<byte[], KanaryEvent> traffic(StreamsBuilder builder, DetectorMetrics metrics) {
        return events(builder, Topics.TRAFFIC_SAMPLES, InputRules::trafficSample, metrics)
                .mapValues(KanaryEvent.class::cast, Named.as("traffic-as-evidence"));
    }

    /**
     * The evidence branch: each batch of an active deployment judged healthy once the healthy test
     * accepts on its probes or its traffic, or inconclusive when the policy's evidence wait runs out,
     * to judgements; and while it waits, how far its evidence has got, at most once a second.
     */
    private static void evidence(StreamsBuilder builder, KStream<byte[], DeploymentEvent> deployEvents,
                                 KStream<byte[], KanaryEvent> probesAndTraffic) {
        builder.addStateStore(EvidenceStores.batchEvidence());
        deployEvents.process(BatchTracker::new, Named.as("track-batches"), EvidenceStores.BATCH_EVIDENCE);
        probesAndTraffic.process(EvidenceJudge::new, Named.as("judge-evidence"), EvidenceStores.BATCH_EVIDENCE)
                .to(Topics.JUDGEMENTS.name(), produced(Topics.JUDGEMENTS, "to-judgements"));
    }

    /** A breach, once per deployment, to breaches; and the rollback it calls for to rollback.commands. */
    private static void breaches(KStream<String, Verdict> verdicts, DetectorMetrics metrics) {
        KStream<String, Breach> breaches = verdicts
                .process(() -> new OncePerDeployment(metrics), Named.as("once-per-deployment"), DetectorStores.JUDGED_DEPLOYMENTS);
        breaches.to(Topics.BREACHES.name(), produced(Topics.BREACHES, "to-breaches"));
        breaches.process(() -> new RollbackOrder(metrics), Named.as("order-rollback"))
                .to(Topics.ROLLBACK_COMMANDS.name(), produced(Topics.ROLLBACK_COMMANDS, "to-rollback-commands"));
    }

    /** The topic's events; records that cannot be read or fail {@code validator} go to its DLQ. */
    private static <T> KStream<byte[], T> events(StreamsBuilder builder, Topic<String, T> topic, Validator<T> validator,
                                                 DetectorMetrics metrics) {
        String name = topic.name();
        return builder.stream(name, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(Decode.of(topic, validator), Named.as(name + "-decode"))
                .split(Named.as(name + "-"))
                .branch((key, decoded) -> decoded.isRefused(), Branched.withConsumer(refused -> refused
                        .process(() -> new DeadLetter<T>(metrics), Named.as(name + "-dead-letter"))
                        .to(topic.dlqName(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName(name + "-to-dlq")), "dlq"))
                .defaultBranch(Branched.as("valid"))
                .get(name + "-valid")
                .mapValues(Decoded::event, Named.as(name + "-event"));
    }

    private static <V> Produced<String, V> produced(Topic<String, V> topic, String name) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }
}
