package io.kanary.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kanary.kafka.Json;
import io.kanary.schema.Breach;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert of Alertmanager's v2 API ({@code POST /api/v2/alerts}): a breach of a deployment.
 * Alertmanager knows an alert by its labels, so the firing alert and its resolution carry the same
 * ones: the deployment's, never the breach's own id (a second breach of the same deployment is the
 * same alert, still firing).
 *
 * @param endsAt null while it fires (Alertmanager then resolves it by itself after its
 *               {@code resolve_timeout} unless it is sent again); set when the deployment ended
 */
record Alert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt, Instant endsAt) {
    static final String NAME = "KanaryBreach";
    static final String SEVERITY = "critical";

    Alert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    static Alert firing(Breach breach) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", NAME);
        labels.put("service", breach.service());
        labels.put("version", breach.version());
        labels.put("deployment", breach.deploymentId());
        labels.put("severity", SEVERITY);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", Sentences.reason(breach));
        annotations.put("description", Sentences.headline(breach));
        annotations.put("audit", Sentences.auditCommand(breach.deploymentId()));
        return new Alert(labels, annotations, breach.detectedAt(), null);
    }

    /** The same alert, resolved at {@code at}; {@code resolution} says how the deployment ended. */
    Alert resolved(Instant at, String resolution) {
        Map<String, String> annotations = new LinkedHashMap<>(this.annotations);
        annotations.put("resolution", resolution);
        // Alertmanager refuses an alert that ends before it starts (a clock ahead on the detector's host).
        return new Alert(labels, annotations, startsAt, at.isBefore(startsAt) ? startsAt : at);
    }

    String deployment() {
        return labels.get("deployment");
    }

    /** The JSON array Alertmanager's {@code POST /api/v2/alerts} takes. */
    static byte[] body(List<Alert> alerts) {
        List<Map<String, Object>> json = alerts.stream().map(Alert::toJson).toList();
        try {
            return Json.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alerts of strings did not serialize: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("labels", new java.util.TreeMap<>(labels));
        json.put("annotations", new java.util.TreeMap<>(annotations));
        json.put("startsAt", startsAt.toString());
        if (endsAt != null) {
            json.put("endsAt", endsAt.toString());
        }
        return json;
    }
}
