package io.kanary.executor.driver.docker;

import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs on a host, read back from its containers' labels after a restart: per service, the
 * newest running container is current, any other running copy is one too many (an executor was
 * killed between starting a new version and stopping the old one), and the one to roll back to
 * is the newest stopped container created before the current one with another version, else the
 * spec the current one recorded of what it replaced.
 *
 * @param services     by service, in the order the engine listed them
 * @param lastRevision the highest revision label seen, so new containers sort after every old one
 */
public record Reconciliation(Map<String, ServiceState> services, long lastRevision) {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);

    /**
     * @param current   the running container, or null
     * @param extras    other running containers of the service, to stop
     * @param previous  what a rollback brings back, or null
     */
    public record ServiceState(Revision current, List<Revision> extras, Revision previous) {
    }

    /**
     * @param containers       the host's containers, running or not
     * @param recordedPrevious what a current container recorded it replaced (asks the engine)
     */
    public static Reconciliation of(String hostId, List<Container> containers,
                                    Function<Revision, Optional<Revision>> recordedPrevious) {
        Map<String, List<Revision>> byService = new LinkedHashMap<>();
        Map<String, String> states = new HashMap<>();
        long lastRevision = 0;
        for (Container container : containers) {
            Optional<Revision> revision = ContainerLabels.read(container.getId(), container.getLabels());
            if (revision.isEmpty()) {
                LOG.warn("Ignoring container {} on {}: its kanary labels are incomplete", container.getId(), hostId);
                continue;
            }
            states.put(container.getId(), String.valueOf(container.getState()));
            byService.computeIfAbsent(revision.get().service(), s -> new ArrayList<>()).add(revision.get());
            lastRevision = Math.max(lastRevision, revision.get().revision());
        }
        Map<String, ServiceState> services = new LinkedHashMap<>();
        byService.forEach((service, revisions) -> {
            List<Revision> newestFirst = revisions.stream()
                    .sorted(Comparator.comparingLong(Revision::revision).reversed())
                    .toList();
            List<Revision> running = newestFirst.stream()
                    .filter(r -> Containers.isUp(states.get(r.containerId())))
                    .toList();
            Revision current = running.isEmpty() ? null : running.get(0);
            List<Revision> extras = running.isEmpty() ? List.of() : running.subList(1, running.size());
            Revision previous = newestFirst.stream()
                    .filter(r -> r != current && !Containers.isUp(states.get(r.containerId()))
                            && !"created".equals(states.get(r.containerId())))
                    .filter(r -> current == null
                            || (r.revision() < current.revision() && !r.version().equals(current.version())))
                    .findFirst()
                    .orElseGet(() -> current == null ? null : recordedPrevious.apply(current).orElse(null));
            services.put(service, new ServiceState(current, extras, previous));
        });
        return new Reconciliation(services, lastRevision);
    }
}
