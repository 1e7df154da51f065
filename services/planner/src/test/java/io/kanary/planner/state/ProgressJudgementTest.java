package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Progress on judgements is for people: a batch waiting for its judgement stays waiting. */
class ProgressJudgementTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L)
            .withEvidenceWait(60_000L, Policy.OnInconclusive.PASS);

    private final Planner planner = new Planner(RunAllowList.ANYTHING, true);
    private final ProbeFeed probes = new ProbeFeed();

    @Test
    void shouldNeitherAdvanceNorHoldABatchOnProgress() {
        for (String host : List.of("host-1", "host-2")) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
        Planner.Result started = planner.onRequest(new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web",
                "v2", RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of("host-1", "host-2"), 1,
                POLICY, "test", T0), T0);
        assertTrue(started.isAccepted(), () -> String.valueOf(started.rejection()));
        planner.onHostEvent(new HostEvent.Started(id(), 1, "host-1", id(), "d1", "web", "v2",
                new Instance("host-1/web/v2", "http://h", "http://h/health"), T0), T0);
        probes.probe(planner, probe(0), T0);
        probes.probe(planner, probe(1_000), T0.plusSeconds(1));

        List<Emission> out = planner.onJudgement(new Judgement.Progress(id(), 1, "d1", "web", "v2", 0, 40, 0, 0.0,
                3.6, 3.689, 0.98, 0.0, 8.3, 0.0, 3_000, 60_000, "batch 1/2 waiting 3.0s of 60.0s on 40 probes",
                T0.plusSeconds(3)), T0.plusSeconds(3));

        assertEquals(List.of(), out);
        assertEquals(0, planner.deployment("d1").orElseThrow().batch());
        assertEquals(Phase.ROLLING, planner.deployment("d1").orElseThrow().phase());
        List<String> healthy = planner.onJudgement(new Judgement.Healthy(id(), 1, "d1", "web", "v2", 0, 92, 0.0, 6.0,
                        "mSPRT healthy on probes", 3.7, 3.689, "healthy on 92 probes", T0.plusSeconds(4)), T0.plusSeconds(4))
                .stream().map(e -> e.event().typeName()).toList();
        assertEquals("deployment.judged", healthy.get(0), "the batch still waited for its judgement: " + healthy);
    }

    private static ProbeResult probe(long atMs) {
        return new ProbeResult(id(), 1, "web", "v2", "host-1", "host-1/web/v2", true, 200, 5, T0.plusMillis(atMs), null);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
