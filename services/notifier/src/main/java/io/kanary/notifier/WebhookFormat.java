package io.kanary.notifier;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a webhook receives for each event. */
public enum WebhookFormat {
    /** CloudEvents 1.0 over HTTP, binary mode: the attributes as {@code ce-*} headers, the event as the JSON body. */
    CLOUDEVENTS,
    /** A Slack-style message, {@code {"text": "..."}}, with the event's sentence. */
    SLACK;

    /** The name users write: {@code cloudevents}. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code cloudevents} or {@code slack}, any case; anything else is refused with the list, naming {@code source}. */
    public static WebhookFormat parse(String value, String source) {
        String wanted = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(source + " is '" + (value == null ? "" : value.trim())
                        + "', an unknown webhook format; use one of " + Arrays.stream(values())
                        .map(WebhookFormat::flagName).collect(Collectors.joining(", "))));
    }
}
