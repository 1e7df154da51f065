package io.kanary.notifier;

import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The alerts firing now: one per deployment with a breach that has not ended. Built from the
 * topics (replayed at start, then live), never from anything the notifier keeps itself. Not
 * thread-safe: its owner serializes calls.
 */
final class ActiveAlerts {
    private final Map<String, Alert> firing = new LinkedHashMap<>();
    /** Deployments that ended: a breach read after its deployment's end (two topics, no order between them) fires no more. */
    private final Set<String> ended = new HashSet<>();

    /** The alert to send for {@code breach}: firing, or already resolved when its deployment has ended. */
    Alert onBreach(Breach breach, Instant now) {
        Alert alert = Alert.firing(breach);
        if (ended.contains(breach.deploymentId())) {
            return alert.resolved(now, "the deployment had already ended when this breach was read");
        }
        firing.put(breach.deploymentId(), alert);
        return alert;
    }

    /** The resolution to send when {@code event} ends its deployment, if an alert of it fires. */
    Optional<Alert> onEvent(DeploymentEvent event, Instant now) {
        if (!event.isTerminal()) {
            return Optional.empty();
        }
        ended.add(event.deploymentId());
        Alert alert = firing.remove(event.deploymentId());
        return alert == null ? Optional.empty() : Optional.of(alert.resolved(now, Sentences.reason(event)));
    }

    List<Alert> firing() {
        return List.copyOf(firing.values());
    }
}
