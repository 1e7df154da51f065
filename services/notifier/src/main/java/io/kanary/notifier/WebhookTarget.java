package io.kanary.notifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One webhook URL: every breach and deployment event, as a CloudEvent or a Slack-style message. */
final class WebhookTarget implements Target {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookTarget.class);

    private final URI url;
    private final WebhookFormat format;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final RetryingDelivery delivery;
    private final DeadLetterSink deadLetters;
    private final NotifierMetrics metrics;

    WebhookTarget(URI url, WebhookFormat format, HttpClient http, RetrySettings retry, DeadLetterSink deadLetters,
                  NotifierMetrics metrics) {
        this.url = url;
        this.format = format;
        this.http = http;
        this.requestTimeout = retry.requestTimeout();
        this.delivery = new RetryingDelivery("webhook " + SafeUrl.of(url), kind(), retry, metrics);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public String kind() {
        return NotifierMetrics.WEBHOOK;
    }

    @Override
    public String url() {
        return url.toString();
    }

    @Override
    public void deliver(Notification notification) throws InterruptedException {
        WebhookMessage message = WebhookMessage.of(notification, format);
        long began = System.nanoTime();
        HttpAttempt last = delivery.deliver(() -> HttpAttempt.send(http, message.toRequest(url, requestTimeout)));
        if (last.delivered()) {
            metrics.delivery(kind(), NotifierMetrics.DELIVERED);
        } else {
            String reason = shownUrl() + " answered " + last.describe() + (last.retryable()
                    ? " on the last of its tries" : ", which is not worth another try");
            LOG.warn("{} {} sent to {}: {}", notification.where(), notification.event().ceType(),
                    io.kanary.kafka.Topics.NOTIFICATIONS_DLQ, reason);
            deadLetters.undelivered(notification.record(), shownUrl(), reason);
            metrics.delivery(kind(), NotifierMetrics.DEAD_LETTERED);
        }
        metrics.deliveryTime(kind(), Duration.ofNanos(System.nanoTime() - began));
    }
}
