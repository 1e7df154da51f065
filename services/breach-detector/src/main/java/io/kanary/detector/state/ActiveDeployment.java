package io.kanary.detector.state;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Policy;
import java.time.Instant;

/**
 * The deployment a service is going through, as far as judging it goes: which version is new,
 * which one it is compared with, the policy, and since when its probes count.
 */
public record ActiveDeployment(String deploymentId, String service, String version, String baselineVersion,
                               Policy policy, Instant startedAt) {

    /** @param recordTime the record's timestamp, for a started event that carries no time of its own */
    public static ActiveDeployment of(DeploymentEvent.Started started, long recordTime) {
        return new ActiveDeployment(started.deploymentId(), started.service(), started.version(),
                started.baselineVersion(), started.policy() == null ? Policy.defaults() : started.policy(),
                started.at() == null ? Instant.ofEpochMilli(recordTime) : started.at());
    }
}
