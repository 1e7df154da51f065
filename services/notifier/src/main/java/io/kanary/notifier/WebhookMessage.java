package io.kanary.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kanary.kafka.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one webhook receives for one event: headers and a body. Every message carries the event id
 * as {@code Idempotency-Key}: delivery is at least once, so a receiver may see an event twice (a
 * retry after a lost answer, a restart before the commit) and can drop the second by that key.
 */
record WebhookMessage(Map<String, String> headers, byte[] body) {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    WebhookMessage {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static WebhookMessage of(Notification notification, WebhookFormat format) {
        return format == WebhookFormat.SLACK ? slack(notification) : cloudEvent(notification);
    }

    /**
     * CloudEvents 1.0 HTTP binary mode: the attributes as {@code ce-*} headers, the event's JSON (the
     * record's bytes, as the topic holds them) as the body.
     */
    static WebhookMessage cloudEvent(Notification notification) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", notification.event().eventId());
        headers.put("ce-source", notification.source());
        headers.put("ce-type", notification.event().ceType());
        headers.put("ce-time", notification.time());
        if (notification.event().subject() != null) {
            headers.put("ce-subject", notification.event().subject());
        }
        headers.put("Content-Type", "application/json");
        headers.put(IDEMPOTENCY_KEY, notification.event().eventId());
        return new WebhookMessage(headers, notification.record().value());
    }

    /** A Slack-style incoming-webhook message: {@code {"text": "kanary: <deployment> (<service>) <what happened>; ..."}}. */
    static WebhookMessage slack(Notification notification) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(IDEMPOTENCY_KEY, notification.event().eventId());
        try {
            byte[] body = Json.mapper().writeValueAsBytes(Map.of("text", Sentences.headline(notification.event())));
            return new WebhookMessage(headers, body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of one string did not serialize: " + e.getMessage(), e);
        }
    }

    HttpRequest toRequest(URI url, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        return builder.build();
    }
}
