package io.kanary.dashboard.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.Judgement;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardViewTest {
    private static final Instant T0 = Instant.parse("2026-03-14T09:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private final DashboardView view = new DashboardView(WINDOW, 3);

    @Test
    void shouldShowARolloutWithItsBatchProgressAndEachHostsVersion() {
        view.deploymentEvent(started());
        view.deploymentEvent(new DeploymentEvent.BatchStarted("e2", 1, "web-2", "web", 0, List.of("h1"), T0.plusSeconds(1)));
        view.hostEvent(new HostEvent.Started("h-1", 1, "h1", "c1", "web-2", "web", "v2", instance("h1"), T0.plusSeconds(2)));
        view.deploymentEvent(new DeploymentEvent.BatchCompleted("e3", 1, "web-2", "web", 0, List.of("h1"), T0.plusSeconds(5)));
        view.deploymentEvent(new DeploymentEvent.BatchStarted("e4", 1, "web-2", "web", 1, List.of("h2"), T0.plusSeconds(6)));
        view.hostEvent(new HostEvent.Starting("h-2", 1, "h2", "c2", "web-2", "web", "v2", T0.plusSeconds(6)));

        DeploymentCard card = view.deployment("web-2", T0.plusSeconds(7)).orElseThrow();

        assertEquals("ROLLING", card.phase());
        assertEquals(2, card.batches());
        assertEquals(1, card.batchesCompleted());
        assertEquals(2, card.currentBatch());
        assertEquals(List.of(new HostView("h1", "v2", "running"), new HostView("h2", "v1", "starting v2")), card.hosts());
        assertEquals("batch 2/2 started: h2", card.lastEvent());
    }

    @Test
    void aHostThatIsStartingStillRunsItsOldVersion() {
        view.deploymentEvent(started());
        view.hostEvent(new HostEvent.Started("h-1", 1, "h2", "c0", "web-1", "web", "v1", instance("h2"), T0.minusSeconds(60)));
        view.hostEvent(new HostEvent.Starting("h-2", 1, "h2", "c2", "web-2", "web", "v2", T0.plusSeconds(6)));

        assertEquals(new HostView("h2", "v1", "starting v2"), view.deployment("web-2", T0.plusSeconds(7)).orElseThrow().hosts().get(1));
    }

    @Test
    void shouldShowTheRollbackWithItsReasonAndTheBreachSentence() {
        view.deploymentEvent(started());
        view.breach(new Breach("b1", 1, "web-2", "web", "v2", "v1", Breach.ERROR_RATE, 0.31, 0.10, 0.0, 3_000, 42, 40,
                T0.plusSeconds(2), T0.plusSeconds(4)));
        view.deploymentEvent(new DeploymentEvent.RollingBack("e5", 1, "web-2", "web", "error rate 31% > 10%", "b1",
                "breach-detector", List.of("h1"), T0.plusSeconds(4)));
        assertEquals("ROLLING_BACK", view.deployment("web-2", T0.plusSeconds(5)).orElseThrow().phase());

        view.deploymentEvent(new DeploymentEvent.RolledBack("e6", 1, "web-2", "web", List.of("h1"), T0.plusSeconds(6)));
        DeploymentCard card = view.deployment("web-2", T0.plusSeconds(7)).orElseThrow();

        assertEquals("ROLLED_BACK", card.phase());
        assertEquals(false, card.active());
        assertEquals("error rate 31% > 10%", card.reason());
        assertEquals("BREACH error_rate 31.0% > 10.0% over 3s (42 probes; baseline v1 0.0%)", card.breach());
        assertEquals("2026-03-14T09:00:06Z", card.endedAt());
    }

    @Test
    void anAbortEndsAborted() {
        view.deploymentEvent(started());
        view.deploymentEvent(new DeploymentEvent.RollingBack("e5", 1, "web-2", "web", "aborted by ops: wrong build", null,
                "ops", List.of("h1"), T0.plusSeconds(4), true, "c-9"));
        view.deploymentEvent(new DeploymentEvent.RolledBack("e6", 1, "web-2", "web", List.of("h1"), T0.plusSeconds(6)));

        assertEquals("ABORTED", view.deployment("web-2", T0.plusSeconds(7)).orElseThrow().phase());
    }

    @Test
    void anEventSeenTwiceCountsOnce() {
        view.deploymentEvent(started());
        DeploymentEvent.Paused paused = new DeploymentEvent.Paused("e7", 1, "web-2", "web", "ops", T0.plusSeconds(1));
        view.deploymentEvent(paused);
        view.deploymentEvent(new DeploymentEvent.Resumed("e8", 1, "web-2", "web", "ops", T0.plusSeconds(2)));
        view.deploymentEvent(paused);

        assertEquals("ROLLING", view.deployment("web-2", T0.plusSeconds(3)).orElseThrow().phase());
    }

    @Test
    void shouldComputeTheErrorRateAndP99OverTheSlidingWindowOnly() {
        view.deploymentEvent(started());
        // Outside the window at T0+20s: probed at T0+10s exactly, a failure that no longer counts.
        view.probe(probe("v2", false, 900, T0.plusSeconds(10)));
        for (int i = 1; i <= 100; i++) {
            view.probe(probe("v2", i % 4 != 0, i, T0.plusSeconds(10).plusMillis(i * 10L))); // every 4th fails
        }
        view.probe(probe("v1", true, 7, T0.plusSeconds(15)));
        view.probe(probe("v1", false, 9, T0.plusSeconds(16)));

        DeploymentCard card = view.deployment("web-2", T0.plusSeconds(20)).orElseThrow();

        assertEquals(new VersionHealth("v2", 100, 0.25, 99L), card.candidate());
        assertEquals(new VersionHealth("v1", 2, 0.5, 9L), card.baseline());
    }

    @Test
    void shouldSampleChartPointsKeepingTheNewestOnly() {
        view.deploymentEvent(started());
        view.probe(probe("v2", false, 40, T0.plusSeconds(1)));
        view.probe(probe("v2", true, 20, T0.plusSeconds(1)));
        for (int s = 2; s <= 5; s++) {
            view.sample(T0.plusSeconds(s));
        }

        assertEquals(List.of(new ChartPoint(T0.plusSeconds(3).toEpochMilli(), 0.5, null, 40L, null),
                new ChartPoint(T0.plusSeconds(4).toEpochMilli(), 0.5, null, 40L, null),
                new ChartPoint(T0.plusSeconds(5).toEpochMilli(), 0.5, null, 40L, null)), view.series("web-2").orElseThrow());
    }

    @Test
    void aVersionWithoutProbesInTheWindowHasNoFigures() {
        view.deploymentEvent(started());
        view.probe(probe("v2", false, 40, T0));

        assertEquals(new VersionHealth("v2", 0, null, null), view.deployment("web-2", T0.plusSeconds(30)).orElseThrow().candidate());
    }

    @Test
    void endedDeploymentsGetNoMoreChartPoints() {
        view.deploymentEvent(started());
        view.deploymentEvent(new DeploymentEvent.Succeeded("e9", 1, "web-2", "web", "v2", T0.plusSeconds(1)));
        view.sample(T0.plusSeconds(2));

        assertEquals(List.of(), view.series("web-2").orElseThrow());
        assertNull(view.deployment("web-2", T0.plusSeconds(2)).orElseThrow().candidate());
    }

    @Test
    void undecodableRecordsAreCountedByTopic() {
        view.undecodable("deploy.events");
        view.undecodable("deploy.events");
        view.undecodable("health.probes");

        assertEquals(Map.of("deploy.events", 2L, "health.probes", 1L), view.snapshot(T0).undecodable());
    }

    @Test
    void theSnapshotListsTheNewestDeploymentFirst() {
        view.deploymentEvent(started());
        view.deploymentEvent(new DeploymentEvent.Started("s2", 1, "api-1", "api", "v9", null, Map.of(), null, null,
                List.of(List.of("h3")), "ops", T0.plusSeconds(1)));

        assertEquals(List.of("api-1", "web-2"), view.snapshot(T0.plusSeconds(2)).deployments().stream()
                .map(DeploymentCard::deploymentId).toList());
    }

    @Test
    void shouldShowTheWaitingBatchsEvidenceMovingTowardHealthy() {
        view.deploymentEvent(started());
        view.judgement(progress(0, 0.25, 0.0, 10_000));
        view.judgement(progress(0, 0.75, 0.05, 11_000));

        assertEquals(new EvidenceBar(1, 0.75, 0.05, 300, 280, 11_000, 120_000, null, "batch 1/2 waiting"),
                view.deployment("web-2", T0.plusSeconds(12)).orElseThrow().evidence());
    }

    @Test
    void aVerdictFillsTheBarAndALateProgressOfTheSameBatchChangesNothing() {
        view.deploymentEvent(started());
        view.judgement(progress(0, 0.75, 0.05, 11_000));
        view.judgement(new Judgement.Healthy("j1", 1, "web-2", "web", "v2", 0, 400, 0.0, 41.0, "mSPRT healthy on traffic",
                3.7, 3.689, "batch 1/2 healthy on 20 probes and 380 requests", T0.plusSeconds(12)));
        view.judgement(progress(0, 0.8, 0.05, 12_000));

        assertEquals(new EvidenceBar(1, 1.0, 0.05, 400, 280, 11_000, 120_000, "healthy",
                "batch 1/2 healthy on 20 probes and 380 requests"), view.deployment("web-2", T0.plusSeconds(13))
                .orElseThrow().evidence());
    }

    @Test
    void theNextBatchsProgressReplacesTheLastBatchsVerdict() {
        view.deploymentEvent(started());
        view.judgement(new Judgement.Inconclusive("j1", 1, "web-2", "web", "v2", 0, 119, 0.042, 41.0, 0.2, 0.1, 3.689,
                120_000, "breach-detector", "no verdict on batch 1/2 after 120.0s", T0.plusSeconds(120)));
        assertEquals("inconclusive", view.deployment("web-2", T0.plusSeconds(121)).orElseThrow().evidence().verdict());

        view.judgement(progress(1, 0.1, 0.0, 1_000));

        EvidenceBar bar = view.deployment("web-2", T0.plusSeconds(122)).orElseThrow().evidence();
        assertEquals(2, bar.batch());
        assertEquals(true, bar.waiting());
    }

    @Test
    void anEndedDeploymentShowsNoEvidenceBar() {
        view.deploymentEvent(started());
        view.judgement(progress(0, 0.5, 0.0, 5_000));
        view.deploymentEvent(new DeploymentEvent.Succeeded("e9", 1, "web-2", "web", "v2", T0.plusSeconds(6)));

        assertNull(view.deployment("web-2", T0.plusSeconds(7)).orElseThrow().evidence());
    }

    private static Judgement.Progress progress(int batch, double towardHealthy, double towardBreach, long waitedMs) {
        return new Judgement.Progress("p-" + batch + "-" + waitedMs, 1, "web-2", "web", "v2", batch, 300, 280, 0.0,
                towardHealthy * 3.689, 3.689, towardHealthy, towardBreach * 8.3, 8.3, towardBreach, waitedMs, 120_000,
                "batch " + (batch + 1) + "/2 waiting", T0.plusMillis(waitedMs));
    }

    private static DeploymentEvent.Started started() {
        return new DeploymentEvent.Started("s1", 1, "web-2", "web", "v2", "v1", Map.of("h1", "v1", "h2", "v1"), null, null,
                List.of(List.of("h1"), List.of("h2")), "ops", T0);
    }

    private static ProbeResult probe(String version, boolean ok, long latencyMs, Instant at) {
        return new ProbeResult("p-" + version + at.toEpochMilli() + ok, 1, "web", version, "h1", "i1", ok, ok ? 200 : 500,
                latencyMs, at, null);
    }

    private static Instance instance(String host) {
        return new Instance("i-" + host, "127.0.0.1:1", "http://127.0.0.1:1/health");
    }
}
