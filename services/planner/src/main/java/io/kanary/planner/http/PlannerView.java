package io.kanary.planner.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kanary.planner.state.Deployment;
import io.kanary.planner.state.Fleet;
import io.kanary.planner.state.Planner;
import io.kanary.planner.state.Revision;
import io.kanary.planner.state.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable copy of the planner's state for the HTTP threads, published by the planner's
 * loop after every change; the state machine itself is only ever touched by that loop.
 * Liveness is judged when asked ({@link #hostsAt}), so a host whose executor stopped sending
 * heartbeats shows as gone even when nothing else changed.
 *
 * @param hosts       what the planner knows of each host, sorted by id
 * @param awakeSince  when the planner resumed after its last start (executors' heartbeats count from then at the earliest)
 */
public record PlannerView(Map<String, DeploymentView> deployments, Map<String, String> activeByService,
                          Set<String> knownHosts, List<HostView> hosts, Instant awakeSince,
                          Map<String, List<Revision>> revisions) {
    public static final PlannerView EMPTY = new PlannerView(Map.of(), Map.of(), Set.of(), List.of(), null, Map.of());

    public PlannerView(Map<String, DeploymentView> deployments, Map<String, String> activeByService,
                       Set<String> knownHosts, List<HostView> hosts, Instant awakeSince) {
        this(deployments, activeByService, knownHosts, hosts, awakeSince, Map.of());
    }

    /** The service's revisions, oldest first; empty when none succeeded. */
    public List<Revision> revisionsOf(String service) {
        return revisions.getOrDefault(service, List.of());
    }

    public static PlannerView of(Planner planner) {
        Map<String, DeploymentView> deployments = new LinkedHashMap<>();
        Map<String, String> active = new TreeMap<>();
        for (Deployment d : planner.deployments()) {
            deployments.put(d.id(), DeploymentView.of(d));
            if (d.phase().isActive()) {
                active.put(d.service(), d.id());
            }
        }
        planner.queued().forEach((id, q) -> deployments.put(id, DeploymentView.of(q)));
        Fleet fleet = planner.fleet();
        List<HostView> hosts = new ArrayList<>();
        for (String host : fleet.knownHosts()) {
            List<ServiceVersion> services = new ArrayList<>();
            fleet.versionsOn(host).forEach((service, version) -> services.add(new ServiceVersion(service, version)));
            hosts.add(new HostView(host, fleet.driverOf(host), List.copyOf(services), fleet.heartbeatOf(host),
                    fleet.labelsOf(host)));
        }
        return new PlannerView(Map.copyOf(deployments), Map.copyOf(active), Set.copyOf(new TreeSet<>(fleet.knownHosts())),
                List.copyOf(hosts), planner.awakeSince(), planner.revisions());
    }

    public Optional<DeploymentView> deployment(String id) {
        return Optional.ofNullable(deployments.get(id));
    }

    /** Deployments, newest first, of one service or of all (service null). */
    public List<DeploymentView> list(String service) {
        return deployments.values().stream()
                .filter(d -> service == null || d.service().equals(service))
                .sorted((a, b) -> b.startedAt().compareTo(a.startedAt()))
                .toList();
    }

    /** The hosts that run {@code service} now, sorted by id: the targets of a request that names none. */
    public List<String> hostsRunning(String service) {
        return hosts.stream().filter(h -> h.services().stream().anyMatch(s -> s.service().equals(service)
                && s.version() != null)).map(HostView::hostId).toList();
    }

    /** Every known host as {@code GET /v1/hosts} shows it, its liveness judged at {@code now}. */
    public List<HostStatus> hostsAt(Instant now) {
        return hosts.stream().map(h -> h.statusAt(now, awakeSince)).toList();
    }

    /** The named hosts whose executor is gone at {@code now}, each with the reason, as the API refuses them. */
    public List<Violation> goneHosts(List<String> hostIds, Instant now) {
        return hosts.stream()
                .filter(h -> hostIds.contains(h.hostId()) && h.heartbeat() != null && h.heartbeat().isGone(now, awakeSince))
                .map(h -> new Violation("hosts", h.heartbeat().goneReason(h.hostId(), now, awakeSince)
                        + "; start an executor for it or leave it out of hosts"))
                .toList();
    }

    /**
     * @param heartbeat its executor's last heartbeat, or null when none ever came
     * @param labels    what its executor says of it ({@code KANARY_HOST_LABELS}), what a request's {@code hostSelector} matches
     */
    public record HostView(String hostId, String driver, List<ServiceVersion> services, Fleet.Heartbeat heartbeat,
                           Map<String, String> labels) {
        HostStatus statusAt(Instant now, Instant awakeSince) {
            if (heartbeat == null) {
                return new HostStatus(hostId, driver, services, null, null, null, true, HostStatus.UNKNOWN, labels);
            }
            boolean gone = heartbeat.isGone(now, awakeSince);
            return new HostStatus(hostId, driver, services, heartbeat.executorId(), heartbeat.seenAt(),
                    heartbeat.intervalMs(), !gone, gone ? HostStatus.GONE : HostStatus.ALIVE, labels);
        }
    }

    /** @param version what runs now; null when nothing does (e.g. a first version was rolled back) */
    public record ServiceVersion(String service, @JsonInclude(JsonInclude.Include.ALWAYS) String version) {
    }

    /**
     * One host in {@code GET /v1/hosts}.
     *
     * @param lastHeartbeatAt when the host's executor sent its latest heartbeat
     * @param alive           whether commands to the host can be carried out now: false once its executor missed
     *                        {@value Fleet.Heartbeat#MISSED_TO_BE_GONE} heartbeats; true for a host that never sent one
     * @param liveness        {@code alive}, {@code gone}, or {@code unknown} for a host whose executor predates
     *                        heartbeats (it is used as before)
     * @param labels          what its executor says of it, e.g. {@code {"env": "staging"}}; empty when nothing
     */
    public record HostStatus(String hostId, String driver, List<ServiceVersion> services, String executorId,
                             Instant lastHeartbeatAt, Long heartbeatIntervalMs, boolean alive, String liveness,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels) {
        public static final String ALIVE = "alive";
        public static final String GONE = "gone";
        public static final String UNKNOWN = "unknown";
    }
}
