package io.kanary.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClusterNodeIT {
    private static final String VOTERS = "1@localhost:19101,2@localhost:19103,3@localhost:19105";

    @Test
    void aNodeMissingFromTheVotersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KafkaClusterNode.Settings(4,
                "MkU3OEVBNTcwNTJENDM2Qg", 19106, 19107, VOTERS, Path.of("/tmp/n4"), 3, 2));

        assertEquals("the voters " + VOTERS + " do not include node 4; list every controller as id@host:port, this one among them",
                e.getMessage());
    }

    @Test
    void moreInsyncReplicasThanReplicasAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KafkaClusterNode.Settings(1,
                "MkU3OEVBNTcwNTJENDM2Qg", 19100, 19101, VOTERS, Path.of("/tmp/n1"), 2, 3));

        assertEquals("min.insync.replicas 3 must be between 1 and the replication factor 2", e.getMessage());
    }

    @Test
    void everyTopicAndInternalLogIsReplicatedThreeTimesAndNeedsTwoInSync() {
        Map<String, Object> props = KafkaClusterNode.properties(new KafkaClusterNode.Settings(2, "MkU3OEVBNTcwNTJENDM2Qg",
                19102, 19103, VOTERS, Path.of("/tmp/n2"), 3, 2));

        assertEquals("3", props.get("default.replication.factor"));
        assertEquals("2", props.get("min.insync.replicas"));
        assertEquals("3", props.get("offsets.topic.replication.factor"));
        assertEquals("3", props.get("transaction.state.log.replication.factor"));
        assertEquals("2", props.get("transaction.state.log.min.isr"));
        assertEquals(VOTERS, props.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://localhost:19102,CONTROLLER://localhost:19103", props.get("listeners"));
        assertEquals("false", props.get("unclean.leader.election.enable"));
    }
}
