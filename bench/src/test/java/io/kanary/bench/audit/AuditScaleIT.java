package io.kanary.bench.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scale bench's short form: 200,000 probes and four deployments on three partitions, audited
 * in a child JVM with a 64 MB heap, which an audit holding every record could not do. Asserts what
 * was read and summed, never how long it took.
 */
class AuditScaleIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final int PROBES = 200_000;
    private static final int DEPLOYMENTS = 4;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void write() {
        broker = EmbeddedKafkaBroker.start();
        Map<String, Object> kafka = broker.clientProps(null);
        TopicSetup.createTopics(kafka, 3, (short) 1);
        try (AuditScaleData data = new AuditScaleData(kafka, PROBES)) {
            data.write(DEPLOYMENTS, PROBES);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void shouldReplayEveryProbeInA64MegabyteHeap() throws Exception {
        ChildAudit.Figures full = ChildAudit.run(broker.bootstrapServers(), AuditScaleRun.FULL, "64m", TIMEOUT);

        assertEquals(0, full.exitCode(), full.errors());
        assertEquals(200_028, full.records(), "every probe and the 7 decisions of each deployment, each once");
        assertEquals(200_000, full.probes());
        assertEquals(4, full.deployments());
        assertTrue(full.chains(), "each batch completion finds the probe it cites");
        assertEquals(0, full.problems(), full.errors());
    }

    @Test
    void shouldReadOnlyOneDeploymentsTimeForItsTimeline() throws Exception {
        ChildAudit.Figures one = ChildAudit.run(broker.bootstrapServers(), AuditScaleData.deploymentId(2), "64m", TIMEOUT);

        assertEquals(0, one.exitCode(), one.errors());
        assertEquals(50_000, one.probes());
        assertTrue(one.chains(), one.errors());
        // Every decision, its 50,000 probes, and the neighbours' probes within a minute either side (100 a second).
        assertEquals(62_021, one.records());
    }
}
