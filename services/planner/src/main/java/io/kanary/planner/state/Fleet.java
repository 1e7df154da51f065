package io.kanary.planner.state;

import io.kanary.schema.HostEvent;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What the planner knows of the hosts, learned from host.events: which exist, and what each runs. */
public final class Fleet {
    private final Set<String> knownHosts = new TreeSet<>();
    /** host → service → version running. */
    private final Map<String, Map<String, String>> running = new HashMap<>();

    void apply(HostEvent event) {
        knownHosts.add(event.hostId());
        Map<String, String> services = running.computeIfAbsent(event.hostId(), h -> new HashMap<>());
        if (event instanceof HostEvent.Started started) {
            services.put(started.service(), started.version());
        } else if (event instanceof HostEvent.RolledBack rolledBack) {
            if (rolledBack.version() == null) {
                services.remove(rolledBack.service());
            } else {
                services.put(rolledBack.service(), rolledBack.version());
            }
        } else if (event instanceof HostEvent.Stopped stopped && stopped.version() != null
                && stopped.version().equals(services.get(stopped.service()))) {
            services.remove(stopped.service());
        }
    }

    public boolean isKnown(String hostId) {
        return knownHosts.contains(hostId);
    }

    public Set<String> knownHosts() {
        return Collections.unmodifiableSet(knownHosts);
    }

    /** The version of {@code service} on {@code hostId}, or null when it runs none. */
    public String versionOn(String hostId, String service) {
        return running.getOrDefault(hostId, Map.of()).get(service);
    }

    /** Hosts now running {@code service}, sorted. */
    public Set<String> hostsRunning(String service) {
        return running.entrySet().stream()
                .filter(e -> e.getValue().containsKey(service))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
