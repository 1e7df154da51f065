package io.kanary.planner.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kanary.planner.state.Deployment;
import io.kanary.planner.state.Fleet;
import io.kanary.planner.state.Planner;
import io.kanary.planner.state.Revision;
import io.kanary.planner.state.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
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
 * <p>After a change the loop makes the next view with {@link #updatedBy}: only the deployments
 * the change touched are copied from the state again (the rest are shared with the previous view),
 * the hosts only when a host event came in. Building a view thus costs what changed, not the
 * history: at 1,000 deployments a full {@link #of} takes tens of milliseconds, an update microseconds.
 *
 * @param hosts       what the planner knows of each host, sorted by id
 * @param awakeSince  when the planner resumed after its last start (executors' heartbeats count from then at the earliest)
 * @param newestFirst every deployment, ordered as the list API pages them (newest first, then by id)
 */
public record PlannerView(Map<String, DeploymentView> deployments, Map<String, String> activeByService,
                          Set<String> knownHosts, List<HostView> hosts, Instant awakeSince,
                          Map<String, List<Revision>> revisions, NavigableMap<ListKey, DeploymentView> newestFirst) {
    public static final PlannerView EMPTY = new PlannerView(Map.of(), Map.of(), Set.of(), List.of(), null, Map.of());

    public PlannerView(Map<String, DeploymentView> deployments, Map<String, String> activeByService,
                       Set<String> knownHosts, List<HostView> hosts, Instant awakeSince) {
        this(deployments, activeByService, knownHosts, hosts, awakeSince, Map.of());
    }

    public PlannerView(Map<String, DeploymentView> deployments, Map<String, String> activeByService,
                       Set<String> knownHosts, List<HostView> hosts, Instant awakeSince,
                       Map<String, List<Revision>> revisions) {
        this(deployments, activeByService, knownHosts, hosts, awakeSince, revisions, index(deployments.values()));
    }

    /** Where a deployment stands in the list: newest first (by when it started, or was queued), then by id. */
    public record ListKey(Instant startedAt, String id) implements Comparable<ListKey> {
        private static final Comparator<ListKey> ORDER = Comparator.comparing(ListKey::startedAt,
                Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(ListKey::id);

        static ListKey of(DeploymentView d) {
            return new ListKey(d.startedAt(), d.id());
        }

        @Override
        public int compareTo(ListKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** The service's revisions, oldest first; empty when none succeeded. */
    public List<Revision> revisionsOf(String service) {
        return revisions.getOrDefault(service, List.of());
    }

    /** A view of all of the planner's state: at start, and after the state was rebuilt from the topics. */
    public static PlannerView of(Planner planner) {
        planner.takeChanges();
        Map<String, DeploymentView> deployments = new LinkedHashMap<>();
        for (Deployment d : planner.deployments()) {
            deployments.put(d.id(), DeploymentView.of(d));
        }
        planner.queued().forEach((id, q) -> deployments.put(id, DeploymentView.of(q)));
        return new PlannerView(Map.copyOf(deployments), active(planner), knownHosts(planner), hosts(planner),
                planner.awakeSince(), planner.revisions());
    }

    /**
     * The next view after {@code planner} changed as {@link Planner#takeChanges} says: the deployments
     * named are copied again, the rest shared with this view.
     */
    public PlannerView updatedBy(Planner planner, Planner.Changes changes) {
        if (changes.deployments().isEmpty() && !changes.queues() && !changes.fleet() && !changes.revisions()
                && java.util.Objects.equals(awakeSince, planner.awakeSince())) {
            return this;
        }
        Map<String, DeploymentView> nextDeployments = new HashMap<>(deployments);
        TreeMap<ListKey, DeploymentView> nextIndex = new TreeMap<>(newestFirst);
        for (String id : changes.deployments()) {
            planner.deployment(id).ifPresent(d -> put(nextDeployments, nextIndex, DeploymentView.of(d)));
        }
        if (changes.queues()) {
            planner.queued().forEach((id, q) -> put(nextDeployments, nextIndex, DeploymentView.of(q)));
        }
        boolean fleet = changes.fleet();
        return new PlannerView(Collections.unmodifiableMap(nextDeployments), active(planner),
                fleet ? knownHosts(planner) : knownHosts, fleet ? hosts(planner) : hosts, planner.awakeSince(),
                changes.revisions() ? planner.revisions() : revisions, Collections.unmodifiableNavigableMap(nextIndex));
    }

    private static void put(Map<String, DeploymentView> deployments, TreeMap<ListKey, DeploymentView> index,
                            DeploymentView view) {
        DeploymentView before = deployments.put(view.id(), view);
        if (before != null) {
            index.remove(ListKey.of(before)); // a queued request that started is listed by its start from now on
        }
        index.put(ListKey.of(view), view);
    }

    private static NavigableMap<ListKey, DeploymentView> index(Collection<DeploymentView> deployments) {
        TreeMap<ListKey, DeploymentView> index = new TreeMap<>();
        deployments.forEach(d -> index.put(ListKey.of(d), d));
        return Collections.unmodifiableNavigableMap(index);
    }

    private static Map<String, String> active(Planner planner) {
        Map<String, String> active = new TreeMap<>();
        planner.activeDeployments().forEach(d -> active.put(d.service(), d.id()));
        return Map.copyOf(active);
    }

    private static Set<String> knownHosts(Planner planner) {
        return Set.copyOf(new TreeSet<>(planner.fleet().knownHosts()));
    }

    private static List<HostView> hosts(Planner planner) {
        Fleet fleet = planner.fleet();
        List<HostView> hosts = new ArrayList<>();
        for (String host : fleet.knownHosts()) {
            List<ServiceVersion> services = new ArrayList<>();
            fleet.versionsOn(host).forEach((service, version) -> services.add(new ServiceVersion(service, version)));
            hosts.add(new HostView(host, fleet.driverOf(host), List.copyOf(services), fleet.heartbeatOf(host),
                    fleet.labelsOf(host)));
        }
        return List.copyOf(hosts);
    }

    public Optional<DeploymentView> deployment(String id) {
        return Optional.ofNullable(deployments.get(id));
    }

    /** Deployments, newest first, of one service or of all (service null). */
    public List<DeploymentView> list(String service) {
        return newestFirst.values().stream()
                .filter(d -> service == null || d.service().equals(service))
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
