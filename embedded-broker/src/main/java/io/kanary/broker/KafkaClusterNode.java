package io.kanary.broker;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a multi-node KRaft cluster (broker and controller combined), run in its own process
 * by {@code kanary broker}: three of them make a cluster that survives the loss of any one, with
 * replication factor 3 and {@code min.insync.replicas} 2 for every topic, the transaction log
 * and the consumer offsets. Kafka's own server, formatted and started as {@code kafka-storage
 * format} and {@code kafka-server-start} would; a node restarted on the same data directory
 * rejoins with its logs.
 */
public final class KafkaClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterNode.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /**
     * Where a node listens and who its peers are.
     *
     * @param nodeId         this node's id, one of the voters' ids
     * @param clusterId      the cluster's id (a Kafka base64 UUID), the same on every node
     * @param port           the client (PLAINTEXT) port
     * @param controllerPort the controller port, as the voters list gives it for this node
     * @param voters         the controller quorum, {@code 1@localhost:9093,2@localhost:9095,...}
     * @param dataDir        the node's logs and metadata; formatted when new
     * @param replication    the replication factor of new topics and internal topics
     * @param minInsyncReplicas replicas that must have a write before it is acknowledged
     */
    public record Settings(int nodeId, String clusterId, int port, int controllerPort, String voters, Path dataDir,
                           int replication, int minInsyncReplicas) {
        public Settings {
            Objects.requireNonNull(clusterId, "clusterId");
            Objects.requireNonNull(voters, "voters");
            Objects.requireNonNull(dataDir, "dataDir");
            if (!voters.contains(nodeId + "@")) {
                throw new IllegalArgumentException("the voters " + voters + " do not include node " + nodeId
                        + "; list every controller as id@host:port, this one among them");
            }
            if (minInsyncReplicas < 1 || minInsyncReplicas > replication) {
                throw new IllegalArgumentException("min.insync.replicas " + minInsyncReplicas
                        + " must be between 1 and the replication factor " + replication);
            }
        }
    }

    private final Settings settings;
    private final KafkaRaftServer server;

    private KafkaClusterNode(Settings settings, KafkaRaftServer server) {
        this.settings = settings;
        this.server = server;
    }

    /** Formats the data directory if new and starts the node; returns once it serves clients. */
    public static KafkaClusterNode start(Settings settings) {
        long began = System.nanoTime();
        KafkaConfig config = new KafkaConfig(properties(settings), false);
        try {
            format(settings);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format node " + settings.nodeId() + "'s storage in "
                    + settings.dataDir() + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("Kafka node {} started on localhost:{} in {} ms", settings.nodeId(), settings.port(),
                (System.nanoTime() - began) / 1_000_000);
        return new KafkaClusterNode(settings, server);
    }

    public String bootstrapServers() {
        return "localhost:" + settings.port();
    }

    /** Blocks until the node has shut down (after {@link #close} or a fatal error). */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    static Map<String, Object> properties(Settings s) {
        String replication = Integer.toString(s.replication());
        String minIsr = Integer.toString(s.minInsyncReplicas());
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(s.nodeId()));
        props.put("controller.quorum.voters", s.voters());
        props.put("listeners", "PLAINTEXT://localhost:" + s.port() + "," + CONTROLLER_LISTENER + "://localhost:"
                + s.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + s.port());
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", s.dataDir().toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", replication);
        props.put("min.insync.replicas", minIsr);
        props.put("offsets.topic.replication.factor", replication);
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        // A dead node is fenced (and its partitions' leadership moved) after 6 s instead of 9 s.
        props.put("broker.session.timeout.ms", "6000");
        props.put("broker.heartbeat.interval.ms", "1000");
        // Never elect a replica that missed acknowledged writes: losing a record would break the record's promise.
        props.put("unclean.leader.election.enable", "false");
        return props;
    }

    private static void format(Settings s) throws Exception {
        if (Files.exists(s.dataDir().resolve("meta.properties"))) {
            return; // formatted before: rejoin with what is there
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(s.clusterId())
                .setNodeId(s.nodeId())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setDirectories(Set.of(s.dataDir().toAbsolutePath().toString()))
                .setMetadataLogDirectory(s.dataDir().toAbsolutePath().toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .run();
    }
}
