package io.kanary.cli.verbs;

import io.kanary.audit.AuditFilter;
import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.cli.HelpOption;
import io.kanary.cli.HumanErrors;
import io.kanary.cli.KafkaOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** kanary audit: the topics replayed from offset 0 into a timeline per deployment. */
@Command(name = "audit",
        description = {"Replay the topics: a timeline per deployment, each causal chain checked.",
                "Replay every kanary topic from offset 0 and print a timeline per deployment, cause -> effect, "
                + "and whether each causal chain from request to final state is complete. Exits 1 if one is broken."},
        footer = {"", "Examples:", "  kanary audit --service demo", "  kanary audit --deployment demo-v2 --json | jq ."})
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    KafkaOption kafka;

    @Option(names = "--service", description = "Only this service.")
    String service;

    @Option(names = "--deployment", description = "Only this deployment; its probes are read only over its own time.")
    String deployment;

    @Option(names = "--full-replay", description = "With --deployment: read the probes from offset 0 too, and count "
            + "the later probes of the instances it left running.")
    boolean fullReplay;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--timeout-s", defaultValue = "30", description = "How long the replay may take (default: ${DEFAULT-VALUE} s).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        AuditReport report = deployment != null && !fullReplay
                ? AuditReplay.replayDeployment(kafka.clientProps(), deployment, timeout)
                : AuditReplay.replay(kafka.clientProps(), timeout);
        AuditFilter filter = new AuditFilter(service, deployment);
        spec.commandLine().getOut().println(json ? report.toJson(filter) : report.render(filter));
        boolean complete = report.deployments().stream().filter(filter::matches).allMatch(d -> d.chainComplete());
        return complete ? 0 : HumanErrors.EXIT_FAILED;
    }
}
