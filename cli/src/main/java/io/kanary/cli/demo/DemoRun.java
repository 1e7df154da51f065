package io.kanary.cli.demo;

import io.kanary.audit.AuditFilter;
import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.audit.DeploymentTimeline;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The demo on a running stack: the live console, the three rollouts, then the figures measured
 * while it ran and the audit timeline replayed from the topics.
 */
public record DemoRun(DemoScenario.Outcome outcome, Optional<RolloutClock.Figures> rollbackFigures, AuditReport audit) {
    public static DemoRun run(KanaryStack stack, List<String> hosts, Driver driver, PrintStream out) throws InterruptedException {
        DemoScenario.Outcome outcome;
        Optional<RolloutClock.Figures> figures;
        if (stack.dashboardUrl() != null) {
            out.println("watch it live in a browser: " + stack.dashboardUrl());
        }
        LoadGenerator.Stats load;
        try (LiveConsole console = new LiveConsole(stack.kafka(), out, true).start();
             LoadGenerator generator = LoadGenerator.start(stack.kafka(), DemoScenario.SERVICE,
                     LoadGenerator.DEFAULT_RATE_PER_SECOND)) {
            out.println("load: " + LoadGenerator.DEFAULT_RATE_PER_SECOND + " requests/s of GET / to each live "
                    + DemoScenario.SERVICE + " instance; the health-watcher reads their request metrics every second");
            PlannerClient planner = stack.plannerClient();
            outcome = new DemoScenario(planner, hosts, driver, out).run(console.clock());
            // The scenario already waited for the rolled-back hosts to serve again before v3.
            figures = console.clock().figures(outcome.deploymentIds().get(1));
            load = generator.stats();
        }
        AuditReport audit = AuditReplay.replay(stack.kafka(), Duration.ofSeconds(30));
        out.println();
        out.println("=== audit: the topics replayed from offset 0");
        for (String id : outcome.deploymentIds().subList(1, outcome.deploymentIds().size())) {
            out.println(audit.render(new AuditFilter(DemoScenario.SERVICE, id)));
        }
        out.println("=== figures measured in this run");
        figures.ifPresentOrElse(f -> {
            out.printf(Locale.ROOT, "first failing probe of v2 -> rollback command readable:   %6.2f s%n", f.badProbeToRollbackCommand().toMillis() / 1000.0);
            out.printf(Locale.ROOT, "rollback command -> every rolled-back host healthy on v1: %6.2f s  (%d host(s))%n",
                    f.rollbackCommandToAllHealthy().toMillis() / 1000.0, f.hosts());
        }, () -> out.println("(v2 was not rolled back by a breach in this run: no rollback figures)"));
        out.printf(Locale.ROOT, "load sent: %d requests (%d answered 5xx, %d unanswered); traffic.samples: %d samples"
                + " counting %d requests, %d failed%n", load.sent(), load.answered5xx(), load.unanswered(), load.samples(),
                load.sampledRequests(), load.sampledErrors());
        return new DemoRun(outcome, figures, audit);
    }

    public boolean chainsComplete() {
        return outcome.deploymentIds().stream().allMatch(id -> audit.deployment(id).map(DeploymentTimeline::chainComplete).orElse(false));
    }

}
