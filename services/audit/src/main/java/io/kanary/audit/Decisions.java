package io.kanary.audit;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events the timeline keeps — requests, deployment events, host commands and events,
 * breaches, rollbacks, judgements, controls — in time order, each id once (the first wins: a
 * redelivered event is the same event). They are few beside the probes, so they are held and
 * sorted whole.
 */
final class Decisions {
    private final List<AuditEvent> ordered;
    private final Causes causes;
    private final Set<String> cited = new HashSet<>();

    Decisions(Collection<AuditEvent> events) {
        Map<String, AuditEvent> byId = new LinkedHashMap<>();
        events.stream().sorted((a, b) -> RecordOrder.of(a).compareTo(RecordOrder.of(b)))
                .forEach(e -> byId.putIfAbsent(e.id(), e));
        this.ordered = List.copyOf(byId.values());
        this.causes = new Causes(ordered);
        for (AuditEvent e : ordered) {
            if (e.causationId() != null && !causes.contains(e.causationId())) {
                cited.add(e.causationId());
            }
        }
    }

    /** In time order ({@link RecordOrder}). */
    List<AuditEvent> ordered() {
        return ordered;
    }

    /** The decisions by id; the probes they cite join as they are read. */
    Causes causes() {
        return causes;
    }

    /** The ids the decisions name as causes that are not decisions: probes, samples, or missing links. */
    Set<String> cited() {
        return cited;
    }

    /** A fold of probes and samples that keeps the ones these decisions cite. */
    EvidenceFold fold() {
        return new EvidenceFold(causes, cited);
    }
}
