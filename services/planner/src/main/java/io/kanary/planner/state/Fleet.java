package io.kanary.planner.state;

import io.kanary.schema.HostEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the planner knows of the hosts, learned from host.events: which exist, what each runs,
 * and whether an executor still serves it (its heartbeats).
 */
public final class Fleet {
    private final Map<String, Host> hosts = new TreeMap<>();

    /**
     * Applies one host event.
     *
     * @param seenAt when it happened: the event's own time, capped at the planner's clock when read live
     */
    void apply(HostEvent event, Instant seenAt) {
        Host host = hosts.computeIfAbsent(event.hostId(), id -> new Host());
        if (event instanceof HostEvent.Announced announced) {
            host.driver = announced.driver();
            host.labels = announced.labels() == null ? Map.of() : Map.copyOf(announced.labels());
        } else if (event instanceof HostEvent.Heartbeat heartbeat && heartbeat.intervalMs() > 0 && seenAt != null
                && (host.heartbeat == null || !seenAt.isBefore(host.heartbeat.seenAt()))) {
            host.labels = heartbeat.labels() == null ? host.labels : Map.copyOf(heartbeat.labels());
            // A heartbeat without a time or a positive interval promises nothing to hold the executor to: not counted.
            host.heartbeat = new Heartbeat(heartbeat.executorId(), heartbeat.intervalMs(), seenAt);
        } else if (event instanceof HostEvent.Started started) {
            host.versions.put(started.service(), started.version());
        } else if (event instanceof HostEvent.RolledBack rolledBack) {
            // What runs now, null when nothing ran before the rolled-back version.
            host.versions.put(rolledBack.service(), rolledBack.version());
        } else if (event instanceof HostEvent.Stopped stopped && stopped.version() != null
                && stopped.version().equals(host.versions.get(stopped.service()))) {
            host.versions.put(stopped.service(), null);
        }
    }

    /** What the planner knows of one host, as a snapshot holds it. */
    public record HostState(String hostId, String driver, Map<String, String> labels, Heartbeat heartbeat,
                            List<ServiceVersion> versions) {
    }

    /** @param version null once nothing runs */
    public record ServiceVersion(String service, String version) {
    }

    /** Every known host's state, sorted by id: what a snapshot of the fleet holds. */
    public List<HostState> states() {
        List<HostState> out = new ArrayList<>();
        hosts.forEach((id, host) -> {
            List<ServiceVersion> versions = new ArrayList<>();
            host.versions.forEach((service, version) -> versions.add(new ServiceVersion(service, version)));
            out.add(new HostState(id, host.driver, host.labels, host.heartbeat, List.copyOf(versions)));
        });
        return out;
    }

    /** Puts a host back as a snapshot held it; host events read after the snapshot then apply on top. */
    void restore(HostState state) {
        Host host = new Host();
        host.driver = state.driver();
        host.labels = state.labels() == null ? Map.of() : Map.copyOf(state.labels());
        host.heartbeat = state.heartbeat();
        if (state.versions() != null) {
            state.versions().forEach(v -> host.versions.put(v.service(), v.version()));
        }
        hosts.put(state.hostId(), host);
    }

    /** The host's labels, empty when it announced none. */
    public Map<String, String> labelsOf(String hostId) {
        Host host = hosts.get(hostId);
        return host == null ? Map.of() : host.labels;
    }

    /** The known hosts whose labels match every label → value of {@code selector}, sorted by id. */
    public List<String> hostsMatching(Map<String, String> selector) {
        return hosts.entrySet().stream()
                .filter(e -> selector.entrySet().stream().allMatch(l -> l.getValue().equals(e.getValue().labels.get(l.getKey()))))
                .map(Map.Entry::getKey).toList();
    }

    public boolean isKnown(String hostId) {
        return hosts.containsKey(hostId);
    }

    public Set<String> knownHosts() {
        return Collections.unmodifiableSet(hosts.keySet());
    }

    /** The version of {@code service} on {@code hostId}, or null when it runs none. */
    public String versionOn(String hostId, String service) {
        Host host = hosts.get(hostId);
        return host == null ? null : host.versions.get(service);
    }

    /** For each service this host has run, the version it runs now (null: none). */
    public Map<String, String> versionsOn(String hostId) {
        Host host = hosts.get(hostId);
        return host == null ? Map.of() : Collections.unmodifiableMap(host.versions);
    }

    /** The driver the host announced, or null. */
    public String driverOf(String hostId) {
        Host host = hosts.get(hostId);
        return host == null ? null : host.driver;
    }

    /** Hosts now running {@code service}, sorted. */
    public Set<String> hostsRunning(String service) {
        Set<String> running = new TreeSet<>();
        hosts.forEach((id, host) -> {
            if (host.versions.get(service) != null) {
                running.add(id);
            }
        });
        return running;
    }

    /** The host's last heartbeat, or null when its executor never sent one (an executor that predates heartbeats). */
    public Heartbeat heartbeatOf(String hostId) {
        Host host = hosts.get(hostId);
        return host == null ? null : host.heartbeat;
    }

    /**
     * The executor's last sign of life for a host.
     *
     * @param seenAt when the executor sent it (capped at the planner's clock)
     */
    public record Heartbeat(String executorId, long intervalMs, Instant seenAt) {
        /** Heartbeats an executor may miss before its host counts as gone. */
        public static final int MISSED_TO_BE_GONE = 3;

        /**
         * When the host counts as gone if no heartbeat comes: {@link #MISSED_TO_BE_GONE} intervals after the
         * later of the last heartbeat and {@code awakeSince} — a planner that was itself down gives every
         * executor a fresh allowance rather than judging it by the time it could not listen.
         */
        public Instant goneAt(Instant awakeSince) {
            Instant from = awakeSince != null && awakeSince.isAfter(seenAt) ? awakeSince : seenAt;
            return from.plusMillis(MISSED_TO_BE_GONE * intervalMs);
        }

        public boolean isGone(Instant now, Instant awakeSince) {
            return now.isAfter(goneAt(awakeSince));
        }

        /** Why the host counts as gone, as a sentence part: "host-2's executor is gone: no heartbeat for 6.4s (...)". */
        public String goneReason(String hostId, Instant now, Instant awakeSince) {
            Instant from = awakeSince != null && awakeSince.isAfter(seenAt) ? awakeSince : seenAt;
            return String.format(Locale.ROOT, "%s's executor is gone: no heartbeat for %.1fs (%d intervals of %.1fs missed;"
                            + " last from %s at %s)", hostId, Duration.between(from, now).toMillis() / 1000.0,
                    MISSED_TO_BE_GONE, intervalMs / 1000.0, executorId, seenAt);
        }
    }

    private static final class Host {
        private String driver;
        private Heartbeat heartbeat;
        /** What the host says of itself, from its latest announcement or heartbeat. */
        private Map<String, String> labels = Map.of();
        /** service → version running now; null once nothing runs. */
        private final Map<String, String> versions = new TreeMap<>();
    }
}
