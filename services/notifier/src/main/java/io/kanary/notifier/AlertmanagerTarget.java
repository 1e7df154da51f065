package io.kanary.notifier;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Breaches to Alertmanager as alerts, resolved when their deployment ends. Alertmanager resolves
 * an alert nobody repeats within its {@code resolve_timeout}, so the firing ones are sent again
 * every {@link NotifierConfig#alertResend()}; after a restart the firing set is rebuilt by
 * replaying breaches and deploy.events, and sent at once: no alert fires forever (a deployment's end
 * resolves it, or silence lets it lapse) and none vanishes while its deployment runs.
 */
final class AlertmanagerTarget implements Target {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerTarget.class);
    private static final String ALERTS_PATH = "/api/v2/alerts";
    private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(2);
    private static final EventReader<Breach> BREACHES = EventReader.of(Topics.BREACHES);
    private static final EventReader<DeploymentEvent> DEPLOY_EVENTS = EventReader.of(Topics.DEPLOY_EVENTS);

    private final URI alertmanager;
    private final URI endpoint;
    private final Map<String, Object> kafka;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration resendEvery;
    private final RetryingDelivery delivery;
    private final DeadLetterSink deadLetters;
    private final NotifierMetrics metrics;
    private final ActiveAlerts active = new ActiveAlerts();
    /** One change of the firing set and its post at a time: a re-send must never post an alert just resolved as firing. */
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService resender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kanary-notifier-alert-resend");
        thread.setDaemon(true);
        return thread;
    });

    AlertmanagerTarget(URI alertmanager, Map<String, Object> kafka, HttpClient http, RetrySettings retry,
                       Duration resendEvery, DeadLetterSink deadLetters, NotifierMetrics metrics) {
        this.alertmanager = alertmanager;
        this.endpoint = alertsEndpoint(alertmanager);
        this.kafka = kafka;
        this.http = http;
        this.requestTimeout = retry.requestTimeout();
        this.resendEvery = resendEvery;
        this.delivery = new RetryingDelivery("alertmanager " + SafeUrl.of(endpoint), kind(), retry, metrics);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** {@code http://am:9093} (or {@code .../api/v2/alerts} already) to the alerts endpoint. */
    static URI alertsEndpoint(URI alertmanager) {
        String base = alertmanager.toString().replaceAll("/+$", "");
        return URI.create(base.endsWith(ALERTS_PATH) ? base : base + ALERTS_PATH);
    }

    @Override
    public String kind() {
        return NotifierMetrics.ALERTMANAGER;
    }

    @Override
    public String url() {
        return endpoint.toString();
    }

    /** The Alertmanager as it was given (its API path is no secret, and hiding it would say less). */
    @Override
    public String shownUrl() {
        return SafeUrl.of(alertmanager);
    }

    /** Rebuilds the firing set from the topics, then sends it now and every {@code resendEvery}. */
    @Override
    public void resume() {
        lock.lock();
        try {
            Instant now = Instant.now();
            TopicReplay.readToEnd(kafka, List.of(Topics.BREACHES.name(), Topics.DEPLOY_EVENTS.name()), REPLAY_TIMEOUT,
                    record -> replay(record, now));
            LOG.info("Alertmanager {}: {} alert(s) firing after the replay", shownUrl(), active.firing().size());
        } finally {
            lock.unlock();
        }
        resender.scheduleWithFixedDelay(this::resendFiring, 0, resendEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void replay(ConsumerRecord<byte[], byte[]> record, Instant now) {
        // Unreadable records are the live feed's to dead-letter; the replay only skips them.
        if (record.topic().equals(Topics.BREACHES.name())) {
            Optional.ofNullable(BREACHES.read(record).event()).ifPresent(b -> active.onBreach(b, now));
        } else {
            Optional.ofNullable(DEPLOY_EVENTS.read(record).event()).ifPresent(e -> active.onEvent(e, now));
        }
    }

    @Override
    public void deliver(Notification notification) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Optional<Alert> alert = notification.event() instanceof Breach breach
                    ? Optional.of(active.onBreach(breach, Instant.now()))
                    : notification.event() instanceof DeploymentEvent event
                    ? active.onEvent(event, Instant.now()) : Optional.empty();
            if (alert.isPresent()) {
                post(notification, alert.get());
            }
        } finally {
            lock.unlock();
        }
    }

    private void post(Notification notification, Alert alert) throws InterruptedException {
        byte[] body = Alert.body(List.of(alert));
        long began = System.nanoTime();
        HttpAttempt last = delivery.deliver(() -> HttpAttempt.send(http, request(body)));
        if (last.delivered()) {
            metrics.delivery(kind(), NotifierMetrics.DELIVERED);
            LOG.info("Alertmanager {}: alert of {} {}", shownUrl(), alert.deployment(),
                    alert.endsAt() == null ? "firing" : "resolved");
        } else {
            String reason = shownUrl() + " answered " + last.describe() + (last.retryable()
                    ? " on the last of its tries" : ", which is not worth another try");
            LOG.warn("{} {} sent to {}: {}", notification.where(), notification.event().ceType(),
                    Topics.NOTIFICATIONS_DLQ, reason);
            deadLetters.undelivered(notification.record(), shownUrl(), reason);
            metrics.delivery(kind(), NotifierMetrics.DEAD_LETTERED);
        }
        metrics.deliveryTime(kind(), Duration.ofNanos(System.nanoTime() - began));
    }

    /** One try: a failed re-send is tried again at the next tick, well within Alertmanager's resolve_timeout. */
    private void resendFiring() {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            List<Alert> firing = active.firing();
            if (firing.isEmpty()) {
                return;
            }
            HttpAttempt attempt = HttpAttempt.send(http, request(Alert.body(firing)));
            if (!attempt.delivered()) {
                LOG.warn("Alertmanager {}: re-sending {} firing alert(s) failed ({}); trying again in {}", shownUrl(),
                        firing.size(), attempt.describe(), resendEvery);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Alertmanager {}: re-sending the firing alerts failed: {}", shownUrl(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private HttpRequest request(byte[] body) {
        return HttpRequest.newBuilder(endpoint).timeout(requestTimeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    @Override
    public void close() {
        resender.shutdownNow();
    }
}
