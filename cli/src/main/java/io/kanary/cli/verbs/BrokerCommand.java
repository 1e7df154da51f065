package io.kanary.cli.verbs;

import io.kanary.broker.KafkaClusterNode;
import io.kanary.cli.UserError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * kanary broker: one node of a multi-node KRaft cluster in this process, for running the services
 * split against a real replicated cluster without installing Kafka (the fault campaign's brokers;
 * {@code infra/systemd} runs three). Production clusters run Apache Kafka's own distribution.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run one node of a multi-node KRaft cluster.",
                "Run one node (broker and controller) of a KRaft cluster until stopped. Start three with the",
                "same --cluster-id and --voters for a cluster that survives the loss of one node."},
        footer = {"", "Example (three shells, or three units):",
                "  kanary broker --node-id 1 --port 19092 --controller-port 19093 --data-dir /var/lib/kanary/kafka-1 \\",
                "    --cluster-id MkU3OEVBNTcwNTJENDM2Qg --voters 1@localhost:19093,2@localhost:19095,3@localhost:19097"})
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--node-id", required = true, description = "This node's id, one of the --voters ids.")
    int nodeId;

    @Option(names = "--cluster-id", required = true,
            description = "The cluster's id, the same on every node (22 characters of base64, e.g. from 'kafka-storage.sh random-uuid').")
    String clusterId;

    @Option(names = "--port", required = true, description = "The client (PLAINTEXT) port.")
    int port;

    @Option(names = "--controller-port", required = true, description = "The controller port, as --voters gives it for this node.")
    int controllerPort;

    @Option(names = "--voters", required = true, description = "The controller quorum: id@host:port,... (every node, this one included).")
    String voters;

    @Option(names = "--data-dir", required = true, description = "The node's logs; formatted when new, reused after a restart.")
    Path dataDir;

    @Option(names = "--replication-factor", defaultValue = "3",
            description = "Replication factor of new and internal topics (default: ${DEFAULT-VALUE}).")
    int replication;

    @Option(names = "--min-insync-replicas", defaultValue = "2",
            description = "Replicas that must hold a write before it is acknowledged (default: ${DEFAULT-VALUE}).")
    int minInsyncReplicas;

    @Override
    public Integer call() {
        KafkaClusterNode node;
        try {
            node = KafkaClusterNode.start(new KafkaClusterNode.Settings(nodeId, clusterId, port, controllerPort, voters,
                    dataDir, replication, minInsyncReplicas));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "kanary-broker-shutdown"));
        System.out.printf("broker %d ready on %s (replication %d, min.insync.replicas %d)%n", nodeId,
                node.bootstrapServers(), replication, minInsyncReplicas);
        System.out.flush();
        node.awaitShutdown();
        return 0;
    }
}
