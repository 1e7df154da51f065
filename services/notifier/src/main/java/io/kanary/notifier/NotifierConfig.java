package io.kanary.notifier;

import io.kanary.kafka.KafkaSettings;
import io.kanary.settings.Env;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The notifier's settings.
 *
 * @param kafka           Kafka client properties (at least {@code bootstrap.servers})
 * @param alertmanagerUrl the Alertmanager breaches go to as alerts (its base URL, e.g. {@code http://127.0.0.1:9093}), or null for none
 * @param webhookUrls     where every breach and deployment event goes (none: empty)
 * @param webhookFormat   what the webhooks receive
 * @param retry           how hard one delivery is tried before it is dead-lettered
 * @param alertResend     how often the firing alerts are sent again: Alertmanager resolves an alert it has
 *                        not heard of for its {@code resolve_timeout} (5 min by default), so this must be shorter
 * @param groupIdPrefix   each target's consumer group is this prefix, the target's kind and a hash of its URL,
 *                        so a restarted notifier resumes each target where that target stopped
 * @param meterRegistry   where the notifier's meters go
 */
public record NotifierConfig(Map<String, Object> kafka, URI alertmanagerUrl, List<URI> webhookUrls,
                             WebhookFormat webhookFormat, RetrySettings retry, Duration alertResend, String groupIdPrefix,
                             MeterRegistry meterRegistry) {
    public static final Duration DEFAULT_ALERT_RESEND = Duration.ofMinutes(1);
    public static final String DEFAULT_GROUP_ID_PREFIX = "kanary-notifier";
    public static final String ALERTMANAGER_URL_ENV = "KANARY_ALERTMANAGER_URL";
    public static final String WEBHOOK_URLS_ENV = "KANARY_WEBHOOK_URLS";
    public static final String WEBHOOK_FORMAT_ENV = "KANARY_WEBHOOK_FORMAT";

    public NotifierConfig {
        kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
        webhookUrls = webhookUrls == null ? List.of() : List.copyOf(webhookUrls);
        webhookFormat = webhookFormat == null ? WebhookFormat.CLOUDEVENTS : webhookFormat;
        retry = retry == null ? RetrySettings.DEFAULTS : retry;
        alertResend = alertResend == null ? DEFAULT_ALERT_RESEND : alertResend;
        groupIdPrefix = groupIdPrefix == null || groupIdPrefix.isBlank() ? DEFAULT_GROUP_ID_PREFIX : groupIdPrefix;
        meterRegistry = meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry;
        if (alertResend.isNegative() || alertResend.isZero()) {
            throw new IllegalArgumentException("alertResend must be > 0, was " + alertResend);
        }
        if (webhookUrls.size() != webhookUrls.stream().distinct().count()) {
            throw new IllegalArgumentException("the webhook URLs " + webhookUrls + " name a URL twice; give each once");
        }
    }

    /** No Alertmanager, no webhook (an idle notifier), every default, against the cluster described by {@code kafka}. */
    public static NotifierConfig defaults(Map<String, Object> kafka) {
        return new NotifierConfig(kafka, null, List.of(), WebhookFormat.CLOUDEVENTS, RetrySettings.DEFAULTS,
                DEFAULT_ALERT_RESEND, DEFAULT_GROUP_ID_PREFIX, null);
    }

    /**
     * Kafka settings from {@code KAFKA_*}, plus {@code KANARY_ALERTMANAGER_URL}, {@code KANARY_WEBHOOK_URLS}
     * (comma-separated), {@code KANARY_WEBHOOK_FORMAT} ({@code cloudevents} or {@code slack}),
     * {@code KANARY_NOTIFIER_MAX_ATTEMPTS}, {@code KANARY_NOTIFIER_INITIAL_BACKOFF_MS},
     * {@code KANARY_NOTIFIER_MAX_BACKOFF_MS}, {@code KANARY_NOTIFIER_REQUEST_TIMEOUT_MS},
     * {@code KANARY_ALERT_RESEND_SECONDS} and {@code KANARY_NOTIFIER_GROUP_PREFIX}.
     */
    public static NotifierConfig fromEnv(Map<String, String> environment) {
        Env env = Env.of(environment);
        String alertmanager = env.text(ALERTMANAGER_URL_ENV);
        String webhooks = env.text(WEBHOOK_URLS_ENV);
        RetrySettings d = RetrySettings.DEFAULTS;
        RetrySettings retry = new RetrySettings(env.wholeNumber("KANARY_NOTIFIER_MAX_ATTEMPTS", d.maxAttempts()),
                env.millis("KANARY_NOTIFIER_INITIAL_BACKOFF_MS", d.initialBackoff()), d.multiplier(),
                env.millis("KANARY_NOTIFIER_MAX_BACKOFF_MS", d.maxBackoff()), d.jitter(),
                env.millis("KANARY_NOTIFIER_REQUEST_TIMEOUT_MS", d.requestTimeout()));
        return new NotifierConfig(KafkaSettings.fromEnv(environment),
                alertmanager == null ? null : parseUrl(alertmanager, ALERTMANAGER_URL_ENV),
                webhooks == null ? List.of() : parseUrls(webhooks, WEBHOOK_URLS_ENV),
                WebhookFormat.parse(env.text(WEBHOOK_FORMAT_ENV, WebhookFormat.CLOUDEVENTS.flagName()), WEBHOOK_FORMAT_ENV),
                retry, env.seconds("KANARY_ALERT_RESEND_SECONDS", DEFAULT_ALERT_RESEND),
                env.text("KANARY_NOTIFIER_GROUP_PREFIX"), null);
    }

    /**
     * An absolute http or https URL with a host; anything else is refused with a sentence that names
     * {@code source} (the flag or variable it came from) and shows a good value.
     */
    public static URI parseUrl(String value, String source) {
        String text = value == null ? "" : value.trim();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw badUrl(source, text, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw badUrl(source, text, "it does not start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw badUrl(source, text, "it names no host");
        }
        return uri;
    }

    /** Comma-separated URLs, each checked by {@link #parseUrl}; blank entries are ignored. */
    public static List<URI> parseUrls(String value, String source) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> parseUrl(s, source)).toList();
    }

    private static IllegalArgumentException badUrl(String source, String value, String why) {
        return new IllegalArgumentException(source + " has '" + value + "', but " + why
                + "; give an http(s) URL such as http://127.0.0.1:9093");
    }

    public NotifierConfig withMeterRegistry(MeterRegistry registry) {
        return new NotifierConfig(kafka, alertmanagerUrl, webhookUrls, webhookFormat, retry, alertResend, groupIdPrefix,
                registry);
    }

    public NotifierConfig withAlertmanager(URI url) {
        return new NotifierConfig(kafka, url, webhookUrls, webhookFormat, retry, alertResend, groupIdPrefix, meterRegistry);
    }

    public NotifierConfig withWebhooks(List<URI> urls, WebhookFormat format) {
        return new NotifierConfig(kafka, alertmanagerUrl, urls, format, retry, alertResend, groupIdPrefix, meterRegistry);
    }

    public NotifierConfig withRetry(RetrySettings settings) {
        return new NotifierConfig(kafka, alertmanagerUrl, webhookUrls, webhookFormat, settings, alertResend, groupIdPrefix,
                meterRegistry);
    }

    public NotifierConfig withAlertResend(Duration interval) {
        return new NotifierConfig(kafka, alertmanagerUrl, webhookUrls, webhookFormat, retry, interval, groupIdPrefix,
                meterRegistry);
    }

    /** Whether there is anywhere to send anything. */
    public boolean hasTargets() {
        return alertmanagerUrl != null || !webhookUrls.isEmpty();
    }
}
