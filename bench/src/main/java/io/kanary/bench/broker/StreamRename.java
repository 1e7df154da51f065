package io.kanary.bench.broker;

import io.kanary.bench.scenario.ProbeStream;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import java.util.Locale;

/**
 * A generated {@link ProbeStream} moved to a service of its own, so that many runs can share one
 * broker and one detector without meeting: the service, the deployment id and every event id get
 * the new name; times, versions, hosts and outcomes stay exactly as generated.
 */
final class StreamRename {
    private StreamRename() {
    }

    /** A service name for run {@code seed} of {@code scenario}: lower-case letters, digits and dashes. */
    static String serviceFor(String scenario, long seed) {
        String name = scenario.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return "chk-" + name + "-" + seed;
    }

    static ProbeStream to(ProbeStream stream, String service) {
        DeploymentEvent.Started s = stream.started();
        DeploymentEvent.Started started = new DeploymentEvent.Started(service + "-" + s.eventId(), s.schemaVersion(),
                "d-" + service, service, s.version(), s.baselineVersion(), s.previousVersions(), s.run(), s.policy(),
                s.batches(), s.requestedBy(), s.at());
        return new ProbeStream(stream.scenario(), stream.seed(), started, stream.onset(), stream.end(),
                stream.probes().stream().map(p -> new ProbeResult(service + "-" + p.eventId(), p.schemaVersion(), service,
                        p.version(), p.hostId(), p.instanceId(), p.ok(), p.statusCode(), p.latencyMs(), p.probedAt(),
                        p.error())).toList());
    }
}
