package io.kanary.audit;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replayed topics as one timeline per deployment and per service, with a check of every
 * deployment's causal chain. Built from the events alone, so the same topics always give the
 * same report.
 */
public final class AuditReport {
    private final long eventCount;
    private final List<DeploymentTimeline> deployments;
    private final List<ServiceTimeline> services;
    private final List<AuditEvent> hostEvents;
    private final List<UndecodableRecord> undecodable;
    private final List<String> problems;
    private final Causes causes;

    private AuditReport(long eventCount, List<DeploymentTimeline> deployments, List<ServiceTimeline> services,
                        List<AuditEvent> hostEvents, List<UndecodableRecord> undecodable, List<String> problems,
                        Causes causes) {
        this.eventCount = eventCount;
        this.deployments = List.copyOf(deployments);
        this.services = List.copyOf(services);
        this.hostEvents = List.copyOf(hostEvents);
        this.undecodable = List.copyOf(undecodable);
        this.problems = List.copyOf(problems);
        this.causes = causes;
    }

    /**
     * @param events      the replayed events, in any order
     * @param undecodable records that could not be read
     * @param problems    what kept the replay from reading everything, as sentences
     */
    public static AuditReport of(List<AuditEvent> events, List<UndecodableRecord> undecodable, List<String> problems) {
        Decisions decisions = new Decisions(events.stream().filter(e -> !EvidenceFold.isEvidence(e.event())).toList());
        EvidenceFold evidence = decisions.fold();
        events.stream().filter(e -> EvidenceFold.isEvidence(e.event())).sorted(Comparator.comparing(RecordOrder::of))
                .forEach(evidence::add);
        return of(decisions, evidence, undecodable, problems);
    }

    /**
     * The report of decisions held whole and probes and samples already folded: what a streaming
     * replay builds, with memory that does not grow with the probes.
     */
    static AuditReport of(Decisions decisions, EvidenceFold evidence, List<UndecodableRecord> undecodable,
                          List<String> problems) {
        Causes causes = decisions.causes();
        Map<String, List<AuditEvent>> byDeployment = new LinkedHashMap<>();
        Map<String, List<AuditEvent>> otherByService = new TreeMap<>();
        List<AuditEvent> hostEvents = new ArrayList<>();
        for (AuditEvent e : decisions.ordered()) {
            if (e.event() instanceof Judgement.Progress) {
                // Advisory, up to one a second per waiting batch, and a restarted detector may skip or repeat one:
                // the judgement that follows is the record, so the timeline stays the same on every replay.
                continue;
            }
            String deploymentId = causes.deploymentOf(e);
            String service = Causes.serviceOf(e.event());
            if (deploymentId != null) {
                byDeployment.computeIfAbsent(deploymentId, k -> new ArrayList<>()).add(e);
            } else if (service != null) {
                otherByService.computeIfAbsent(service, k -> new ArrayList<>()).add(e);
            } else {
                hostEvents.add(e);
            }
        }
        ChainCheck check = new ChainCheck(causes);
        List<DeploymentTimeline> deployments = new ArrayList<>();
        byDeployment.forEach((id, deploymentEvents) -> deployments.add(timeline(id, deploymentEvents,
                evidence.probeCounts(id), evidence.versions(id), check.brokenLinks(id, deploymentEvents))));
        deployments.sort(Comparator.comparing(DeploymentTimeline::start).thenComparing(DeploymentTimeline::deploymentId));

        Map<String, List<ProbeCount>> unattributedProbes = evidence.unattributed();
        TreeSet<String> serviceNames = new TreeSet<>(otherByService.keySet());
        serviceNames.addAll(unattributedProbes.keySet());
        deployments.stream().map(DeploymentTimeline::service).filter(s -> s != null).forEach(serviceNames::add);
        List<ServiceTimeline> services = serviceNames.stream().map(name -> new ServiceTimeline(name,
                deployments.stream().filter(d -> name.equals(d.service())).toList(),
                otherByService.getOrDefault(name, List.of()),
                unattributedProbes.getOrDefault(name, List.of()))).toList();
        long eventCount = decisions.ordered().size() + evidence.count();
        return new AuditReport(eventCount, deployments, services, hostEvents, undecodable, problems, causes);
    }

    private static DeploymentTimeline timeline(String id, List<AuditEvent> events, List<ProbeCount> probeCounts,
                                               List<VersionEvidence> versions, List<String> brokenLinks) {
        String service = null;
        String version = null;
        String baseline = null;
        Instant start = events.get(0).time();
        String outcome = DeploymentTimeline.IN_PROGRESS;
        for (AuditEvent e : events) {
            if (service == null) {
                service = Causes.serviceOf(e.event());
            }
            if (e.event() instanceof DeployRequest request) {
                version = request.version();
                start = e.time();
            } else if (e.event() instanceof DeploymentEvent.Started started) {
                version = started.version();
                baseline = started.baselineVersion();
            }
            if (e.event() instanceof DeploymentEvent d && d.isTerminal()) {
                outcome = d.typeName().substring("deployment.".length());
            }
        }
        return new DeploymentTimeline(id, service, version, baseline, start, outcome, events, probeCounts, versions,
                brokenLinks);
    }

    /** Every deployment, in the order they started. */
    public List<DeploymentTimeline> deployments() {
        return deployments;
    }

    public Optional<DeploymentTimeline> deployment(String deploymentId) {
        return deployments.stream().filter(d -> d.deploymentId().equals(deploymentId)).findFirst();
    }

    /** Every service, by name. */
    public List<ServiceTimeline> services() {
        return services;
    }

    /** Events that belong to no service, such as host announcements. */
    public List<AuditEvent> hostEvents() {
        return hostEvents;
    }

    public List<UndecodableRecord> undecodable() {
        return undecodable;
    }

    /** What kept the replay from reading everything (a missing topic, the timeout), as sentences. */
    public List<String> problems() {
        return problems;
    }

    /** How many events were read, each id once. */
    public long eventCount() {
        return eventCount;
    }

    public boolean allChainsComplete() {
        return deployments.stream().allMatch(DeploymentTimeline::chainComplete);
    }

    /** The report as text: one line per event, a probe summary and the chain check per deployment. */
    public String render(AuditFilter filter) {
        return new TextReport(this).render(filter == null ? AuditFilter.ALL : filter);
    }

    public String render() {
        return render(AuditFilter.ALL);
    }

    /** The same content as {@link #render(AuditFilter)}, as a JSON document. */
    public String toJson(AuditFilter filter) {
        return JsonReport.render(this, filter == null ? AuditFilter.ALL : filter);
    }

    public String toJson() {
        return toJson(AuditFilter.ALL);
    }

    AuditEvent find(String id) {
        return causes.find(id);
    }
}
