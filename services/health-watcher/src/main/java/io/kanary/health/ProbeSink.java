package io.kanary.health;

import io.kanary.health.probe.ProbeOutcome;

/** Where the outcome of each probe goes: health.probes, in the service. */
interface ProbeSink {
    void publish(LiveInstance instance, ProbeOutcome outcome);
}
