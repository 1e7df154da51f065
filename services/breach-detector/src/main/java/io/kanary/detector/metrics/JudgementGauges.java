package io.kanary.detector.metrics;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.window.Observation;
import io.kanary.detector.window.WindowStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The error rate and p99 the judgement sees now, per service being deployed: for the new version
 * (role {@code candidate}: its probes since the deployment began, within the policy's window) and
 * its baseline (role {@code baseline}: its probes over the policy's whole window, its usual
 * behaviour, which the baseline tests hold the new version to). NaN while a side has no probe.
 *
 * <p>A service's gauges exist while its deployment is judged: they are registered at the first
 * judged probe and removed when the deployment ends or starts rolling back, when another
 * deployment of the service takes its place, or when this process stops judging the service (its
 * task moves elsewhere). So the series are bounded by the services being deployed at once.
 *
 * <p>The stream thread writes the figures, the scrape reads them; a service is judged by one task,
 * so one thread writes each service's figures. The p99s merge the window's latency sketches, so
 * they are recomputed once per bucket of probe time, not at every probe; the error rates are counts
 * the window already holds.
 */
public final class JudgementGauges {
    static final String ERROR_RATE = "kanary.detector.error.rate";
    static final String P99 = "kanary.detector.p99";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Judged> byService = new ConcurrentHashMap<>();

    public JudgementGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Shows what the judgement of {@code observation} sees. */
    public void show(Observation observation) {
        ActiveDeployment deployment = observation.deployment();
        Judged judged = byService.get(deployment.service());
        if (judged == null || !judged.deploymentId.equals(deployment.deploymentId())) {
            if (judged != null) {
                judged.remove(registry);
            }
            judged = new Judged(registry, deployment);
            byService.put(deployment.service(), judged);
        }
        judged.update(observation);
    }

    /** Removes the service's gauges if they show another deployment than {@code deploymentId}, which replaces it. */
    public void deploymentStarted(String service, String deploymentId) {
        Judged judged = byService.get(service);
        if (judged != null && !judged.deploymentId.equals(deploymentId)) {
            forget(service);
        }
    }

    /** Removes the service's gauges if they show {@code deploymentId}: it ended, or is no longer judged. */
    public void deploymentEnded(String service, String deploymentId) {
        Judged judged = byService.get(service);
        if (judged != null && judged.deploymentId.equals(deploymentId)) {
            forget(service);
        }
    }

    /** Removes the service's gauges, whichever deployment they show. */
    public void forget(String service) {
        Judged judged = byService.remove(service);
        if (judged != null) {
            judged.remove(registry);
        }
    }

    /** The figures of one side of a judgement, written by the stream thread and read by scrapes. */
    private static final class Side {
        private volatile double errorRate = Double.NaN;
        private volatile double p99Seconds = Double.NaN;

        double errorRate() {
            return errorRate;
        }

        double p99Seconds() {
            return p99Seconds;
        }

        void update(WindowStats stats, boolean withP99) {
            errorRate = stats.errorRate();
            if (withP99) {
                p99Seconds = stats.p99() / 1_000.0;
            }
        }
    }

    /** One deployment's gauges: the new version's, and its baseline's if it has one. */
    private static final class Judged {
        private final String deploymentId;
        private final Side candidate = new Side();
        private final Side baseline = new Side();
        private final List<Meter> meters = new ArrayList<>();
        private long p99Bucket = Long.MIN_VALUE;

        Judged(MeterRegistry registry, ActiveDeployment deployment) {
            this.deploymentId = deployment.deploymentId();
            register(registry, deployment.service(), deployment.version(), "candidate", candidate);
            if (deployment.baselineVersion() != null) {
                register(registry, deployment.service(), deployment.baselineVersion(), "baseline", baseline);
            }
        }

        private void register(MeterRegistry registry, String service, String version, String role, Side side) {
            meters.add(Gauge.builder(ERROR_RATE, side, Side::errorRate)
                    .description("The error rate the breach-detector's judgement sees now")
                    .tag("service", service).tag("version", version).tag("role", role)
                    .strongReference(true)
                    .register(registry));
            meters.add(Gauge.builder(P99, side, Side::p99Seconds)
                    .description("The p99 latency the breach-detector's judgement sees now")
                    .baseUnit("seconds")
                    .tag("service", service).tag("version", version).tag("role", role)
                    .strongReference(true)
                    .register(registry));
        }

        void update(Observation observation) {
            long bucket = Math.floorDiv(observation.probe().probedAt().toEpochMilli(), observation.bucketMs());
            boolean withP99 = bucket != p99Bucket;
            p99Bucket = bucket;
            candidate.update(observation.candidate(), withP99);
            baseline.update(observation.baselineHistory(), withP99);
        }

        void remove(MeterRegistry registry) {
            meters.forEach(registry::remove);
        }
    }
}
