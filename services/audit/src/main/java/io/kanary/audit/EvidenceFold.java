package io.kanary.audit;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Folds probes and traffic samples, the topics' bulk, into sums as they are read: per deployment
 * a count per version and host ({@link ProbeCount}) and a summary per version
 * ({@link VersionEvidence}); per service the probes of no known instance. None is kept, so memory
 * grows with the deployments, versions and hosts, never with the records.
 *
 * <p>The one exception is a probe a decision names as its cause (a breach's decisive probe, the
 * probe that completed a batch): {@code cited} holds the ids the decisions cite that are not
 * decisions themselves, collected in one pass over the decisions before any probe is read, and a
 * probe whose id is among them is kept in {@link Causes} so the chain check and the timeline find
 * it. The decisions are few and each cites one id, so that set stays small however many probes
 * there are.
 */
final class EvidenceFold {
    /** How many recent ids are remembered to count a redelivered probe once (see {@link RecentIds}). */
    static final int RECENT_IDS = 50_000;
    private static final double SKETCH_ACCURACY = 0.01;
    private static final Comparator<Map.Entry<List<String>, Tally>> FIRST_SEEN =
            Comparator.comparing(entry -> entry.getValue().first);

    private final Causes causes;
    private final Set<String> cited;
    private final RecentIds recent = new RecentIds(RECENT_IDS);
    private final Map<String, Map<List<String>, Tally>> byDeployment = new HashMap<>();
    private final Map<String, Map<String, VersionFold>> versions = new HashMap<>();
    private final Map<String, Map<List<String>, Tally>> unattributed = new TreeMap<>();
    private long count;

    EvidenceFold(Causes causes, Set<String> cited) {
        this.causes = causes;
        this.cited = cited;
    }

    /** Whether the event is one of the many that are summed, not kept: a probe or a traffic sample. */
    static boolean isEvidence(KanaryEvent event) {
        return event instanceof ProbeResult || event instanceof TrafficSample;
    }

    /** Folds one probe or traffic sample in; one already seen (the same id) counts once. */
    void add(AuditEvent e) {
        if (!recent.firstSight(e.id())) {
            return;
        }
        count++;
        if (cited.contains(e.id())) {
            causes.keep(e);
        }
        String deploymentId = causes.deploymentOf(e);
        RecordOrder order = RecordOrder.of(e);
        if (e.event() instanceof ProbeResult p) {
            if (p.wasSkipped()) {
                return; // never sent (the watcher was overloaded): neither a passed nor a failed probe
            }
            Map<List<String>, Tally> tallies = deploymentId != null
                    ? byDeployment.computeIfAbsent(deploymentId, k -> new HashMap<>())
                    : unattributed.computeIfAbsent(p.service(), k -> new HashMap<>());
            tallies.computeIfAbsent(Arrays.asList(p.version(), p.hostId()), k -> new Tally()).add(p.ok(), order);
            if (deploymentId != null) {
                version(deploymentId, p.version()).probe(p, order);
            }
        } else if (e.event() instanceof TrafficSample s && deploymentId != null) {
            version(deploymentId, s.version()).sample(s, order);
        }
    }

    /** How many probes and samples were folded, each id once. */
    long count() {
        return count;
    }

    /** The deployment's probes summed per version and host, in the order each pair was first probed. */
    List<ProbeCount> probeCounts(String deploymentId) {
        return counts(byDeployment.getOrDefault(deploymentId, Map.of()));
    }

    /** The deployment's evidence per version, in the order each version was first probed or sampled. */
    List<VersionEvidence> versions(String deploymentId) {
        return versions.getOrDefault(deploymentId, Map.of()).values().stream()
                .sorted(Comparator.comparing(v -> v.first)).map(VersionFold::evidence).toList();
    }

    /** Per service, the probes of instances no host event announced (e.g. from external samplers). */
    Map<String, List<ProbeCount>> unattributed() {
        Map<String, List<ProbeCount>> result = new TreeMap<>();
        unattributed.forEach((service, tallies) -> result.put(service, counts(tallies)));
        return result;
    }

    private VersionFold version(String deploymentId, String version) {
        return versions.computeIfAbsent(deploymentId, k -> new LinkedHashMap<>())
                .computeIfAbsent(version, VersionFold::new);
    }

    private static List<ProbeCount> counts(Map<List<String>, Tally> tallies) {
        List<ProbeCount> result = new ArrayList<>();
        // Sorted by each pair's first probe, not by when it was read: the partitions are not read in one time order.
        tallies.entrySet().stream().sorted(FIRST_SEEN).forEach(entry -> result.add(new ProbeCount(entry.getKey().get(0),
                entry.getKey().get(1), entry.getValue().ok + entry.getValue().failed, entry.getValue().ok,
                entry.getValue().failed)));
        return result;
    }

    /** One version on one host: how its probes went, and where its first one stands. */
    private static final class Tally {
        long ok;
        long failed;
        RecordOrder first;

        void add(boolean passed, RecordOrder order) {
            if (passed) {
                ok++;
            } else {
                failed++;
            }
            if (first == null || order.compareTo(first) < 0) {
                first = order;
            }
        }
    }

    /** One version of one deployment, summed. */
    private static final class VersionFold {
        final String version;
        final DDSketch latencies = DDSketches.unboundedDense(SKETCH_ACCURACY);
        long probes;
        long failed;
        RecordOrder firstFailure;
        long samples;
        long requests;
        long requestErrors;
        RecordOrder first;

        VersionFold(String version) {
            this.version = version;
        }

        void probe(ProbeResult p, RecordOrder order) {
            seen(order);
            probes++;
            latencies.accept(p.latencyMs());
            if (!p.ok()) {
                failed++;
                if (firstFailure == null || order.compareTo(firstFailure) < 0) {
                    firstFailure = order;
                }
            }
        }

        void sample(TrafficSample s, RecordOrder order) {
            seen(order);
            samples++;
            requests += s.requests();
            requestErrors += s.errors();
        }

        private void seen(RecordOrder order) {
            if (first == null || order.compareTo(first) < 0) {
                first = order;
            }
        }

        VersionEvidence evidence() {
            Instant firstFailureAt = firstFailure == null ? null : firstFailure.time();
            return new VersionEvidence(version, probes, failed, firstFailureAt, quantile(0.5), quantile(0.99), samples,
                    requests, requestErrors);
        }

        /** In whole milliseconds, as the probes measure them: the sketch's 1% would only add noise digits. */
        private Long quantile(double q) {
            return latencies.isEmpty() ? null : Math.round(latencies.getValueAtQuantile(q));
        }
    }
}
