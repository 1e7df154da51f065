package io.kanary.bench.campaign;

import io.kanary.audit.AuditEvent;
import io.kanary.audit.AuditReport;
import io.kanary.audit.DeploymentTimeline;
import io.kanary.audit.ServiceTimeline;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.RollbackCommand;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The campaign's invariants, checked from the replayed record (the audit's report of every topic)
 * and the world (the app processes found on this machine). Each violation is one sentence.
 */
final class InvariantCheck {
    private final AuditReport report;
    private final String service;
    private final List<Rollout> rollouts;
    private final List<WorldScan.AppProcess> world;
    private final List<String> violations = new ArrayList<>();
    private final List<String> observations = new ArrayList<>();

    private InvariantCheck(AuditReport report, String service, List<Rollout> rollouts, List<WorldScan.AppProcess> world) {
        this.report = report;
        this.service = service;
        this.rollouts = rollouts;
        this.world = world;
    }

    /** What was found: violations of the invariants, and observations that are no invariant's business. */
    record Findings(List<String> violations, List<String> observations) {
    }

    static Findings check(AuditReport report, String service, List<Rollout> rollouts, List<WorldScan.AppProcess> world) {
        InvariantCheck check = new InvariantCheck(report, service, rollouts, world);
        check.everyDeploymentEnds();
        check.noCommandActedOnTwice();
        check.oneRollbackPerBreach();
        check.hostsRunWhatTheRecordSays();
        check.chainsComplete();
        check.verdictsMatchVersions();
        return new Findings(List.copyOf(check.violations), List.copyOf(check.observations));
    }

    private List<DeploymentTimeline> deployments() {
        return report.deployments().stream().filter(d -> service.equals(d.service())).toList();
    }

    private void everyDeploymentEnds() {
        for (DeploymentTimeline d : deployments()) {
            if (!d.finished()) {
                String last = d.events().isEmpty() ? "none" : d.events().get(d.events().size() - 1).typeName();
                violations.add("deployment " + d.deploymentId() + " (" + d.version()
                        + ") never reached a terminal phase: its last event is " + last + ".");
            }
        }
        for (Rollout r : rollouts) {
            if (r.accepted() && report.deployment(r.deploymentId()).isEmpty()) {
                violations.add("deployment " + r.deploymentId() + " was accepted by the API but none of its events is on the topics.");
            }
        }
    }

    private void noCommandActedOnTwice() {
        Map<String, List<HostEvent.Starting>> starts = new LinkedHashMap<>();
        for (AuditEvent e : hostEvents()) {
            if (e.event() instanceof HostEvent.Starting s) {
                starts.computeIfAbsent(s.commandId(), k -> new ArrayList<>()).add(s);
            }
        }
        starts.forEach((command, list) -> {
            if (list.size() > 1) {
                HostEvent.Starting s = list.get(0);
                violations.add("host command " + shortId(command) + " (" + s.version() + " on " + s.hostId()
                        + ", deployment " + s.deploymentId() + ") was acted on " + list.size() + " times: "
                        + list.size() + " \"starting\" events.");
            }
        });
    }

    private void oneRollbackPerBreach() {
        for (DeploymentTimeline d : deployments()) {
            List<Breach> breaches = d.events().stream().filter(e -> e.event() instanceof Breach)
                    .map(e -> (Breach) e.event()).toList();
            long detectorCommands = d.events().stream()
                    .filter(e -> e.event() instanceof RollbackCommand c && c.operator() == null).count();
            long rollingBack = d.events().stream().filter(e -> e.event() instanceof DeploymentEvent.RollingBack).count();
            if (breaches.isEmpty() && detectorCommands == 0) {
                continue;
            }
            java.time.Instant ended = d.events().stream()
                    .filter(e -> e.event() instanceof DeploymentEvent de && de.isTerminal())
                    .map(AuditEvent::time).findFirst().orElse(null);
            String what = breaches.isEmpty() ? "a rollback command of the breach-detector" : describe(breaches.get(0));
            if (ended != null && !breaches.isEmpty() && breaches.get(0).detectedAt() != null
                    && breaches.get(0).detectedAt().isAfter(ended) && rollingBack == 0) {
                // Nothing is left to roll back once a deployment ended: the planner rightly ignores it.
                observations.add("deployment " + d.deploymentId() + " (" + d.version() + ") was judged after it had ended "
                        + d.outcome() + ": " + what + ".");
                continue;
            }
            if (detectorCommands != 1) {
                violations.add("deployment " + d.deploymentId() + " was breached (" + what
                        + ") and the breach-detector issued " + detectorCommands + " rollback commands for it, not one.");
            }
            if (rollingBack != 1) {
                String before = ended == null || breaches.isEmpty() || breaches.get(0).detectedAt() == null ? ""
                        : String.format(java.util.Locale.ROOT, " %.1f s after that",
                        java.time.Duration.between(breaches.get(0).detectedAt(), ended).toMillis() / 1000.0);
                violations.add("deployment " + d.deploymentId() + " was breached (" + what + ") and started rolling back "
                        + rollingBack + " times, not once; it ended " + d.outcome() + before + ".");
            }
        }
    }

    private static String describe(Breach b) {
        return String.format(java.util.Locale.ROOT, "%s %s %.3g against threshold %.3g over %d samples, detected %s",
                b.version(), b.metric(), b.observed(), b.threshold(), b.samples(), b.detectedAt());
    }

    /** The host.events of the service, in each host's order (per partition, by offset). */
    private List<AuditEvent> hostEvents() {
        List<AuditEvent> all = new ArrayList<>();
        for (DeploymentTimeline d : report.deployments()) {
            d.events().stream().filter(e -> e.event() instanceof HostEvent.InstanceEvent i && service.equals(i.service()))
                    .forEach(all::add);
        }
        for (ServiceTimeline s : report.services()) {
            s.otherEvents().stream().filter(e -> e.event() instanceof HostEvent.InstanceEvent i && service.equals(i.service()))
                    .forEach(all::add);
        }
        all.sort(Comparator.comparingInt(AuditEvent::partition).thenComparingLong(AuditEvent::offset));
        return all;
    }

    /** A live instance as the host events tell it. */
    record RecordedInstance(String hostId, String instanceId, String version, int port) {
    }

    /** Per host, the instances its events leave running (started or rolled back to, not stopped since). */
    Map<String, Map<String, RecordedInstance>> recordedInstances() {
        Map<String, Map<String, RecordedInstance>> byHost = new TreeMap<>();
        for (AuditEvent e : hostEvents()) {
            HostEvent event = (HostEvent) e.event();
            Map<String, RecordedInstance> live = byHost.computeIfAbsent(event.hostId(), k -> new LinkedHashMap<>());
            if (event instanceof HostEvent.Started s) {
                add(live, s.hostId(), s.version(), s.instance());
            } else if (event instanceof HostEvent.RolledBack r && r.instance() != null) {
                add(live, r.hostId(), r.version(), r.instance());
            } else if (event instanceof HostEvent.Stopped s) {
                live.remove(s.instanceId());
            }
        }
        return byHost;
    }

    private static void add(Map<String, RecordedInstance> live, String host, String version, Instance instance) {
        live.put(instance.instanceId(), new RecordedInstance(host, instance.instanceId(), version,
                WorldScan.portOf(instance.address()).orElse(-1)));
    }

    private void hostsRunWhatTheRecordSays() {
        Map<String, Map<String, RecordedInstance>> recorded = recordedInstances();
        expectedByDeployments().forEach((host, expected) -> {
            List<String> versions = recorded.getOrDefault(host, Map.of()).values().stream()
                    .map(RecordedInstance::version).toList();
            if (!versions.equals(expected.version() == null ? List.of() : List.of(expected.version()))) {
                violations.add(host + " should run " + (expected.version() == null ? "nothing" : expected.version())
                        + " (deployment " + expected.deploymentId() + " " + expected.outcome() + ") but its host events say it runs "
                        + (versions.isEmpty() ? "nothing" : String.join(" and ", versions)) + ".");
            }
        });
        List<WorldScan.AppProcess> unmatched = new ArrayList<>(world);
        recorded.forEach((host, live) -> live.values().forEach(instance -> {
            Optional<WorldScan.AppProcess> match = world.stream()
                    .filter(p -> p.port() == instance.port() && p.version().equals(instance.version())).findFirst();
            if (match.isEmpty() || !match.get().listening()) {
                violations.add(host + "'s host events say " + instance.version() + " runs on port " + instance.port()
                        + ", but " + (match.isEmpty() ? "no process of " + instance.version() + " has that port"
                        : "process " + match.get().pid() + " does not answer there") + ".");
            }
            match.ifPresent(unmatched::remove);
        }));
        for (WorldScan.AppProcess p : unmatched) {
            violations.add("an unmanaged instance runs: pid " + p.pid() + ", " + p.version() + " on port " + p.port()
                    + ", which no host event accounts for.");
        }
    }

    /** What a host should run. */
    record Expected(String version, String deploymentId, String outcome) {
    }

    /** Per host, what the last deployment to end with it left there: its version if it succeeded, else what ran before. */
    private Map<String, Expected> expectedByDeployments() {
        Map<String, Expected> expected = new TreeMap<>();
        for (DeploymentTimeline d : deployments()) {
            if (!d.finished()) {
                continue;
            }
            Optional<DeploymentEvent.Started> started = d.events().stream()
                    .filter(e -> e.event() instanceof DeploymentEvent.Started).map(e -> (DeploymentEvent.Started) e.event())
                    .findFirst();
            if (started.isEmpty()) {
                continue;
            }
            java.util.Set<String> touched = d.events().stream()
                    .filter(e -> e.event() instanceof DeploymentEvent.BatchStarted)
                    .flatMap(e -> ((DeploymentEvent.BatchStarted) e.event()).hosts().stream())
                    .collect(Collectors.toSet());
            for (String host : started.get().hosts()) {
                if ("succeeded".equals(d.outcome())) {
                    expected.put(host, new Expected(d.version(), d.deploymentId(), "succeeded"));
                } else if (!touched.contains(host)) {
                    continue; // its batch never started: the host keeps what it ran
                } else if ("rolled-back".equals(d.outcome())) {
                    expected.put(host, new Expected(started.get().previousVersions().get(host), d.deploymentId(),
                            "rolled back to what it recorded the host ran before"));
                } else {
                    expected.remove(host); // failed or aborted: the record itself does not say what is left
                }
            }
        }
        return expected;
    }

    private void chainsComplete() {
        for (DeploymentTimeline d : report.deployments()) {
            for (String link : d.brokenLinks()) {
                violations.add("deployment " + d.deploymentId() + "'s causal chain is broken: " + link + ".");
            }
        }
        for (String problem : report.problems()) {
            violations.add("the replay could not read the whole record: " + problem + ".");
        }
    }

    private void verdictsMatchVersions() {
        Map<String, Rollout> byId = rollouts.stream().collect(Collectors.toMap(Rollout::deploymentId, r -> r, (a, b) -> a));
        for (DeploymentTimeline d : deployments()) {
            Rollout r = byId.get(d.deploymentId());
            if (r == null) {
                continue;
            }
            if (r.bad() && "succeeded".equals(d.outcome())) {
                observations.add("bad version " + r.version() + " (fails " + Math.round(RolloutRunner.BAD_FAILURE_RATE * 100)
                        + "% of requests) succeeded in deployment " + d.deploymentId() + ".");
            } else if (!r.bad() && !"succeeded".equals(d.outcome())) {
                observations.add("healthy version " + r.version() + " ended " + d.outcome() + " in deployment "
                        + d.deploymentId() + reason(d) + ".");
            }
        }
        if (!report.undecodable().isEmpty()) {
            observations.add(report.undecodable().size() + " record(s) on the topics could not be read.");
        }
    }

    private static String reason(DeploymentTimeline d) {
        for (AuditEvent e : d.events()) {
            if (e.event() instanceof DeploymentEvent.RollingBack rb) {
                return " (" + rb.reason() + ")";
            }
            if (e.event() instanceof DeploymentEvent.Failed f) {
                return " (" + f.reason() + ")";
            }
        }
        return "";
    }

    private static String shortId(String id) {
        return id == null ? "null" : id.length() > 8 ? id.substring(0, 8) : id;
    }
}
