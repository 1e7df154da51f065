package io.kanary.detector.input;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.util.Optional;

/**
 * What the detector needs of its input beyond what the records' constructors check. Both topics
 * are keyed by service: probes and deployments meet in one task only when the key says so, so a
 * record keyed by anything else would be judged against the wrong partition's state.
 */
public final class InputRules {
    private InputRules() {
    }

    /**
     * Whether a well-formed event is no evidence and is left out, neither judged nor dead-lettered: a
     * probe the health-watcher skipped because it could not send it on time says nothing about its instance.
     */
    public static boolean ignored(Object event) {
        return event instanceof ProbeResult probe && probe.wasSkipped();
    }

    public static Optional<String> probe(String key, ProbeResult probe) {
        if (blank(probe.eventId())) {
            return Optional.of("eventId is required");
        }
        if (blank(probe.service()) || blank(probe.version())) {
            return Optional.of("service and version must not be blank");
        }
        return keyedByService(key, probe.service());
    }

    /**
     * A traffic sample: besides the probe's rules, its interval must have a length (a sample of no time
     * is no rate), and counts of requests and errors are checked by the record itself.
     */
    public static Optional<String> trafficSample(String key, TrafficSample sample) {
        if (blank(sample.eventId())) {
            return Optional.of("eventId is required");
        }
        if (blank(sample.service()) || blank(sample.version())) {
            return Optional.of("service and version must not be blank");
        }
        if (!sample.intervalEnd().isAfter(sample.intervalStart())) {
            return Optional.of("intervalEnd must be after intervalStart, both were " + sample.intervalStart());
        }
        return keyedByService(key, sample.service());
    }

    public static Optional<String> deploymentEvent(String key, DeploymentEvent event) {
        if (blank(event.deploymentId()) || blank(event.service())) {
            return Optional.of("deploymentId and service are required");
        }
        if (event instanceof DeploymentEvent.Started started && blank(started.version())) {
            return Optional.of("a started deployment needs its version");
        }
        return keyedByService(key, event.service());
    }

    // A null key is tolerated: with one partition (the embedded default) it cannot go astray.
    private static Optional<String> keyedByService(String key, String service) {
        return key == null || key.equals(service)
                ? Optional.empty()
                : Optional.of("key '" + key + "' is not the service '" + service + "'");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
