package io.kanary.notifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: breaches go to Alertmanager as alerts (resolved when their deployment ends), and
 * every breach and deployment event goes to each webhook, as a CloudEvent or a Slack-style message.
 * Each target reads the topics through its own feed and consumer group (see {@link TargetFeed}).
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** The name the notifier signs its dead letters and DLQ metrics with. */
    public static final String CONSUMER = "notifier";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> parts;
    private final List<Target> targets;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Notifier(Deque<AutoCloseable> parts, List<Target> targets) {
        this.parts = parts;
        this.targets = List.copyOf(targets);
    }

    /**
     * Starts one feed per target; returns once each is positioned and, for Alertmanager, its firing
     * alerts are rebuilt. Without targets it starts nothing and says so.
     */
    public static Notifier start(NotifierConfig config) {
        Deque<AutoCloseable> parts = new ArrayDeque<>();
        List<Target> targets = new ArrayList<>();
        if (!config.hasTargets()) {
            LOG.info("Notifier idle: no Alertmanager URL and no webhook URL");
            return new Notifier(parts, targets);
        }
        NotifierMetrics metrics = new NotifierMetrics(config.meterRegistry());
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            DeadLetterSink deadLetters = new DeadLetterSink(config.kafka(), metrics, config.meterRegistry());
            parts.push(deadLetters);
            if (config.alertmanagerUrl() != null) {
                targets.add(new AlertmanagerTarget(config.alertmanagerUrl(), config.kafka(), http, config.retry(),
                        config.alertResend(), deadLetters, metrics));
            }
            for (URI url : config.webhookUrls()) {
                targets.add(new WebhookTarget(url, config.webhookFormat(), http, config.retry(), deadLetters, metrics));
            }
            for (Target target : targets) {
                parts.push(target);
                parts.push(TargetFeed.start(config.kafka(), groupId(config.groupIdPrefix(), target), target,
                        target == targets.get(0), deadLetters, config.meterRegistry(), START_TIMEOUT));
            }
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
        LOG.info("Notifier started: {}", targets.stream().map(t -> t.kind() + " " + t.shownUrl()).toList());
        return new Notifier(parts, targets);
    }

    /**
     * The consumer group of one target: stable across restarts (so a restart resumes where the target
     * stopped) and its own (so no target waits for another).
     */
    static String groupId(String prefix, Target target) {
        return prefix + "-" + target.kind() + "-" + SafeUrl.hash(target.url());
    }

    /** How many places it notifies. */
    public int targetCount() {
        return targets.size();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(parts);
            LOG.info("Notifier stopped");
        }
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                LOG.warn("A part of the notifier did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
