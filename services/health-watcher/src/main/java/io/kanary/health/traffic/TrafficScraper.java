package io.kanary.health.traffic;

import io.kanary.kafka.Ids;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSource;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the request metrics of every live instance whose service's latest deployment policy names a
 * {@link TrafficSource}, every {@code intervalMs}, and publishes what each instance served since its
 * previous read as a {@link TrafficSample}. A verticle of its own, so its reads and their parsing run
 * on another event loop than the probes'. Events hop onto its context from the Kafka thread: the
 * instance map and the timers are only ever touched there.
 *
 * <p>At most one read per instance is in flight; one falling due meanwhile is skipped. A read that
 * fails or cannot be parsed publishes nothing (an instance's metrics are evidence, not a probe: the
 * probes judge whether it answers), is counted by outcome, and is logged once until the instance's
 * metrics can be read again. The interval after it reaches back to the last good read. Failures are
 * logged once they persist, {@value #FAILURES_BEFORE_LOG} reads in a row ({@value #FAILURES_BEFORE_FIRST_LOG}
 * for an instance never read yet: a host announces an instance when it starts, often before it
 * listens), so a cold instance's slow answers or one stopping before its stop is announced stay out
 * of the log; every failed read is counted all the same. From a
 * host's "starting" event until its new instance starts, the old instance is not read (it is being
 * stopped); if the replacement fails, it is read again from a fresh baseline.
 */
public final class TrafficScraper extends VerticleBase {
    public static final String OK = "ok";
    /** No answer, or an answer other than 200: the endpoint is missing, the instance is down or slow. */
    public static final String FAILED = "failed";
    /** An answer that is not Prometheus text for the mapped metrics. */
    public static final String UNREADABLE = "unreadable";
    /** Where a sample comes from, in {@link TrafficSample#source()}. */
    public static final String SOURCE_SCRAPE = "scrape";
    /** A larger exposition is not read: parsing it would hold the event loop. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Prometheus' text format, as Prometheus asks for it: an endpoint that could answer in another gets this one. */
    static final String ACCEPT = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";
    /** Failed reads in a row of an instance read before, before they are logged. */
    static final int FAILURES_BEFORE_LOG = 3;
    /** Failed reads in a row of an instance never read yet, before they are logged: it may still be starting. */
    static final int FAILURES_BEFORE_FIRST_LOG = 10;
    private static final Logger LOG = LoggerFactory.getLogger(TrafficScraper.class);

    /** Where samples go: traffic.samples, in the service. */
    public interface SampleSink {
        void publish(ScrapedInstance instance, TrafficSample sample);
    }

    /** Told the outcome of every read: {@link #OK}, {@link #FAILED} or {@link #UNREADABLE}. */
    public interface ScrapeOutcomes {
        void scraped(String service, String outcome);
    }

    private final SampleSink sink;
    private final ScrapeOutcomes outcomes;
    private final Duration maxTimeout;
    /** Every live instance, read or not: a deployment naming a source may come after its instances. */
    private final Map<ScrapedInstance.Key, ScrapedInstance> live = new HashMap<>();
    /** The traffic source of each service's latest deployment, when it named one. */
    private final Map<String, TrafficSource> sources = new HashMap<>();
    private final Map<ScrapedInstance.Key, Scraping> scraping = new HashMap<>();
    /** Instances whose host is replacing them: not read until the replacement started or failed. */
    private final Map<ScrapedInstance.Key, ScrapedInstance> beingReplaced = new HashMap<>();
    private WebClient client;
    private boolean stopped;

    /** @param maxTimeout the longest a read may take; a source's interval bounds it further */
    public TrafficScraper(SampleSink sink, ScrapeOutcomes outcomes, Duration maxTimeout) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        this.maxTimeout = Objects.requireNonNull(maxTimeout, "maxTimeout");
    }

    /** One instance being read; its identity tells a late answer whether it is still wanted. */
    private static final class Scraping {
        final ScrapedInstance instance;
        final TrafficSource source;
        final TrafficReading.Mapping mapping;
        final String url;
        final TrafficDeltas deltas = new TrafficDeltas();
        long timerId;
        boolean inFlight;
        /** When the last good read was taken: the next sample's interval starts there. */
        Instant lastReadAt;
        /** Whether the current run of failed reads was logged already. */
        boolean failureLogged;
        /** Failed reads since the last good one. */
        int failuresInARow;

        Scraping(ScrapedInstance instance, TrafficSource source) {
            this.instance = instance;
            this.source = source;
            this.mapping = TrafficReading.Mapping.of(source);
            this.url = instance.address().replaceAll("/+$", "") + source.path();
        }
    }

    @Override
    public Future<?> start() {
        client = WebClient.create(vertx, new WebClientOptions().setUserAgent("kanary-health-watcher")
                .setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(2));
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        scraping.values().forEach(s -> vertx.cancelTimer(s.timerId));
        scraping.clear();
        client.close();
        return Future.succeededFuture();
    }

    /** A host event from the Kafka thread: instances come and go. */
    public void onHostEvent(HostEvent event, String causationId) {
        context.runOnContext(v -> apply(event, causationId));
    }

    /** A deployment's start from the Kafka thread: its policy says whether and how its service's instances are read. */
    public void onDeploymentStarted(DeploymentEvent.Started started) {
        context.runOnContext(v -> {
            if (stopped || started.policy() == null) {
                return;
            }
            TrafficSource source = started.policy().traffic();
            TrafficSource previous = source == null ? sources.remove(started.service())
                    : sources.put(started.service(), source);
            if (Objects.equals(previous, source)) {
                return;
            }
            if (source == null) {
                LOG.info("Not reading the request metrics of {}: its policy names no traffic source", started.service());
            } else {
                LOG.info("Reading the request metrics of {} from {} every {} ms", started.service(), source.path(),
                        source.intervalMs());
            }
            new ArrayList<>(live.values()).stream().filter(i -> i.service().equals(started.service()))
                    .forEach(this::reconcile);
        });
    }

    private void apply(HostEvent event, String causationId) {
        if (stopped) {
            return;
        }
        if (event instanceof HostEvent.Starting starting) {
            ScrapedInstance.Key key = new ScrapedInstance.Key(starting.hostId(), starting.service());
            ScrapedInstance old = live.remove(key);
            if (old != null) {
                beingReplaced.put(key, old);
                unschedule(key);
            }
        } else if (event instanceof HostEvent.CommandFailed failed) {
            ScrapedInstance old = beingReplaced.remove(new ScrapedInstance.Key(failed.hostId(), failed.service()));
            if (old != null && !live.containsKey(old.key())) {
                arrive(old);
            }
        } else if (event instanceof HostEvent.Started started && started.instance() != null) {
            arrive(new ScrapedInstance(started.service(), started.version(), started.hostId(),
                    started.instance().instanceId(), started.instance().address(), causationId));
        } else if (event instanceof HostEvent.RolledBack rolledBack) {
            if (rolledBack.instance() != null) {
                arrive(new ScrapedInstance(rolledBack.service(), rolledBack.version(), rolledBack.hostId(),
                        rolledBack.instance().instanceId(), rolledBack.instance().address(), causationId));
            } else {
                leave(new ScrapedInstance.Key(rolledBack.hostId(), rolledBack.service()));
            }
        } else if (event instanceof HostEvent.Stopped stoppedEvent) {
            beingReplaced.values().removeIf(old -> old.instanceId().equals(stoppedEvent.instanceId()));
            live.values().stream().filter(i -> i.instanceId().equals(stoppedEvent.instanceId())).findFirst()
                    .map(ScrapedInstance::key).ifPresent(this::leave);
        }
    }

    private void arrive(ScrapedInstance instance) {
        beingReplaced.remove(instance.key());
        live.put(instance.key(), instance);
        reconcile(instance);
    }

    private void leave(ScrapedInstance.Key key) {
        live.remove(key);
        beingReplaced.remove(key);
        unschedule(key);
    }

    /** Reads {@code instance} as its service's source says, from a fresh baseline, or not at all without one. */
    private void reconcile(ScrapedInstance instance) {
        unschedule(instance.key());
        TrafficSource source = sources.get(instance.service());
        if (source == null) {
            return;
        }
        if (instance.address() == null || instance.address().isBlank()) {
            LOG.warn("Not reading the request metrics of {} {} on {}: its host event gives no address",
                    instance.service(), instance.version(), instance.hostId());
            return;
        }
        Scraping s = new Scraping(instance, source);
        scraping.put(instance.key(), s);
        s.timerId = vertx.setPeriodic(0, source.intervalMs(), id -> read(s));
    }

    private void unschedule(ScrapedInstance.Key key) {
        Scraping s = scraping.remove(key);
        if (s != null) {
            vertx.cancelTimer(s.timerId);
        }
    }

    private void read(Scraping s) {
        if (s.inFlight) {
            return;
        }
        s.inFlight = true;
        long timeoutMs = Math.min(maxTimeout.toMillis(), s.source.intervalMs());
        Future<HttpResponse<Buffer>> answer;
        try {
            answer = client.getAbs(s.url).putHeader("Accept", ACCEPT)
                    .connectTimeout(timeoutMs).idleTimeout(timeoutMs).send()
                    .timeout(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException badUrl) {
            answer = Future.failedFuture(new IllegalArgumentException("'" + s.url + "' is not a URL: "
                    + badUrl.getMessage()));
        }
        answer.onComplete(result -> {
            s.inFlight = false;
            if (!stopped && scraping.get(s.instance.key()) == s) {
                take(s, result, Instant.now());
            }
        });
    }

    private void take(Scraping s, AsyncResult<HttpResponse<Buffer>> result, Instant readAt) {
        if (result.failed()) {
            failed(s, FAILED, "no answer (" + result.cause().getMessage() + ")");
            return;
        }
        HttpResponse<Buffer> response = result.result();
        if (response.statusCode() != 200) {
            failed(s, FAILED, "it answered HTTP " + response.statusCode());
            return;
        }
        Buffer body = response.body();
        if (body != null && body.length() > MAX_BODY_BYTES) {
            failed(s, UNREADABLE, "its metrics are larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        TrafficReading reading;
        try {
            reading = TrafficReading.parse(body == null ? "" : body.toString(), s.mapping);
        } catch (PrometheusText.FormatException e) {
            failed(s, UNREADABLE, "they are not Prometheus text (" + e.getMessage() + ")");
            return;
        }
        outcomes.scraped(s.instance.service(), OK);
        s.failuresInARow = 0;
        if (s.failureLogged) {
            s.failureLogged = false;
            LOG.info("The request metrics of {} {} on {} at {} can be read again", s.instance.service(),
                    s.instance.version(), s.instance.hostId(), s.url);
        }
        Optional<IntervalCounts> counts = s.deltas.next(reading);
        Instant start = s.lastReadAt;
        s.lastReadAt = readAt;
        if (counts.isPresent() && start != null) {
            sink.publish(s.instance, sample(s.instance, start, readAt, counts.get()));
        }
    }

    private void failed(Scraping s, String outcome, String why) {
        outcomes.scraped(s.instance.service(), outcome);
        s.failuresInARow++;
        int logAfter = s.lastReadAt == null ? FAILURES_BEFORE_FIRST_LOG : FAILURES_BEFORE_LOG;
        if (!s.failureLogged && s.failuresInARow >= logAfter) {
            s.failureLogged = true;
            LOG.warn("Cannot read the request metrics of {} {} on {} at {}: {}. No traffic samples of it until they"
                            + " can be read; check the policy's traffic path and metric names, or drop its traffic"
                            + " setting to judge it by probes only", s.instance.service(), s.instance.version(),
                    s.instance.hostId(), s.url, why);
        }
    }

    static TrafficSample sample(ScrapedInstance instance, Instant start, Instant end, IntervalCounts counts) {
        return new TrafficSample(Ids.newId(), KanaryEvent.SCHEMA_VERSION, instance.service(), instance.version(),
                instance.hostId(), instance.instanceId(), SOURCE_SCRAPE, start, end, counts.requests(), counts.errors(),
                counts.latency());
    }
}
