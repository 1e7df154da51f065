package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {

    @Test
    void shouldReadTheTargetsFromTheEnvironment() {
        NotifierConfig config = NotifierConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "KANARY_ALERTMANAGER_URL", "http://am:9093", "KANARY_WEBHOOK_URLS", "http://a/hook, https://b/hook",
                "KANARY_WEBHOOK_FORMAT", "Slack", "KANARY_NOTIFIER_MAX_ATTEMPTS", "3"));

        assertEquals(URI.create("http://am:9093"), config.alertmanagerUrl());
        assertEquals(List.of(URI.create("http://a/hook"), URI.create("https://b/hook")), config.webhookUrls());
        assertEquals(WebhookFormat.SLACK, config.webhookFormat());
        assertEquals(3, config.retry().maxAttempts());
        assertEquals("kafka:9092", config.kafka().get("bootstrap.servers"));
    }

    @Test
    void shouldDefaultToNoTargetsCloudEventsAndAMinutesResend() {
        NotifierConfig config = NotifierConfig.fromEnv(Map.of());

        assertNull(config.alertmanagerUrl());
        assertEquals(List.of(), config.webhookUrls());
        assertEquals(WebhookFormat.CLOUDEVENTS, config.webhookFormat());
        assertEquals(Duration.ofMinutes(1), config.alertResend());
        assertEquals(RetrySettings.DEFAULTS, config.retry());
    }

    @Test
    void shouldRefuseAWebhookUrlThatIsNotHttp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierConfig.fromEnv(Map.of("KANARY_WEBHOOK_URLS", "http://a/hook,ftp://b/hook")));

        assertEquals("KANARY_WEBHOOK_URLS has 'ftp://b/hook', but it does not start with http:// or https://; "
                + "give an http(s) URL such as http://127.0.0.1:9093", e.getMessage());
    }

    @Test
    void shouldRefuseAnAlertmanagerUrlThatIsNoUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierConfig.fromEnv(Map.of("KANARY_ALERTMANAGER_URL", "http://am host:9093")));

        assertEquals("KANARY_ALERTMANAGER_URL has 'http://am host:9093', but it is not a URL (Illegal character in "
                + "authority); give an http(s) URL such as http://127.0.0.1:9093", e.getMessage());
    }

    @Test
    void shouldRefuseAUrlWithoutHost() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierConfig.parseUrl("http:///hook", "--webhook-url"));

        assertEquals("--webhook-url has 'http:///hook', but it names no host; give an http(s) URL such as "
                + "http://127.0.0.1:9093", e.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierConfig.fromEnv(Map.of("KANARY_WEBHOOK_FORMAT", "teams")));

        assertEquals("KANARY_WEBHOOK_FORMAT is 'teams', an unknown webhook format; use one of cloudevents, slack",
                e.getMessage());
    }

    @Test
    void shouldRefuseAWebhookNamedTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierConfig.fromEnv(Map.of("KANARY_WEBHOOK_URLS", "http://a/hook,http://a/hook")));

        assertEquals("the webhook URLs [http://a/hook, http://a/hook] name a URL twice; give each once", e.getMessage());
    }

    @Test
    void shouldRefuseRetriesOfNoTry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifierConfig.fromEnv(Map.of("KANARY_NOTIFIER_MAX_ATTEMPTS", "0")));

        assertEquals("maxAttempts must be at least 1 (one try, no retry), was 0", e.getMessage());
    }
}
