package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A waiting batch's progress records are advisory: the timeline shows the judgement, not each second before it. */
class ProgressInTimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final List<AuditEvent> events = new ArrayList<>();

    @Test
    void shouldLeaveProgressOutOfTheTimelineAndKeepTheChainComplete() {
        String started = add(Topics.DEPLOY_EVENTS.name(), new DeploymentEvent.Started("s1", 1, "d1", "web", "v2", "v1",
                Map.of("host-1", "v1"), null, null, List.of(List.of("host-1")), "ops", T0), null);
        String batch = add(Topics.DEPLOY_EVENTS.name(), new DeploymentEvent.BatchStarted("b1", 1, "d1", "web", 0,
                List.of("host-1"), T0.plusSeconds(1)), started);
        for (int s = 1; s <= 3; s++) {
            add(Topics.JUDGEMENTS.name(), new Judgement.Progress("p" + s, 1, "d1", "web", "v2", 0, 10L * s, 0, 0.0,
                    s, 3.689, s / 3.689, 0.0, 8.3, 0.0, 1_000L * s, 120_000, "batch 1/1 waiting", T0.plusSeconds(1 + s)),
                    batch);
        }
        add(Topics.JUDGEMENTS.name(), new Judgement.Healthy("j1", 1, "d1", "web", "v2", 0, 92, 0.0, 41.0, "mSPRT healthy",
                3.7, 3.689, "batch 1/1 healthy on 92 probes", T0.plusSeconds(5)), batch);

        DeploymentTimeline d = AuditReport.of(events, List.of(), List.of()).deployment("d1").orElseThrow();

        assertEquals(List.of("deployment.started", "deployment.batch.started", "judgement.healthy"),
                d.events().stream().map(e -> e.event().typeName()).toList());
        assertTrue(d.chainComplete(), d.toString());
    }

    private String add(String topic, KanaryEvent event, String cause) {
        Instant time = event instanceof Judgement j ? j.judgedAt() : ((DeploymentEvent) event).at();
        events.add(new AuditEvent(topic, 0, events.size(), "web", event, event.eventId(), event.ceType(),
                time.toString(), "/test", event.subject(), cause, time));
        return event.eventId();
    }
}
