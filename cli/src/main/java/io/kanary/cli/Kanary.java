package io.kanary.cli;

import io.kanary.cli.verbs.AbortCommand;
import io.kanary.cli.verbs.AuditCommand;
import io.kanary.cli.verbs.BrokerCommand;
import io.kanary.cli.verbs.CancelCommand;
import io.kanary.cli.verbs.DeployCommand;
import io.kanary.cli.verbs.HistoryCommand;
import io.kanary.cli.verbs.LintCommand;
import io.kanary.cli.verbs.PauseCommand;
import io.kanary.cli.verbs.PromoteCommand;
import io.kanary.cli.verbs.RestartCommand;
import io.kanary.cli.verbs.ResumeCommand;
import io.kanary.cli.verbs.RetryCommand;
import io.kanary.cli.verbs.RollbackDeploymentCommand;
import io.kanary.cli.verbs.StatusCommand;
import io.kanary.cli.verbs.UndoCommand;
import io.kanary.cli.verbs.UpCommand;
import io.kanary.cli.verbs.WaitCommand;
import io.kanary.cli.verbs.WatchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The kanary command: one entry for every service and every operator verb. */
@Command(name = "kanary", mixinStandardHelpOptions = true, version = "kanary 0.1.0",
        description = {"Roll new versions out a batch at a time; roll them back by themselves within seconds",
                "when their error rate or latency breaks the deployment's policy. Every step is an event on Kafka."},
        subcommands = {UpCommand.class, BrokerCommand.class, DeployCommand.class, StatusCommand.class, WatchCommand.class,
                RollbackDeploymentCommand.class, PauseCommand.class, ResumeCommand.class, AbortCommand.class,
                PromoteCommand.class, CancelCommand.class, RetryCommand.class, UndoCommand.class, HistoryCommand.class,
                RestartCommand.class, WaitCommand.class, LintCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Start here:  kanary up --demo     (embedded Kafka, demo fleet, a bad rollout rolled back)",
                "Then:        kanary up          (stays up; deploy your own service with 'kanary deploy --help')",
                "", ExitCodes.TABLE_1, ExitCodes.TABLE_2, ExitCodes.TABLE_3, ExitCodes.TABLE_4})
public final class Kanary {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; main exits with it. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with kanary's error handling; tests set its out and err and call execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new Kanary())
                .setExecutionStrategy(new TargetCheck())
                .setExecutionExceptionHandler(new HumanErrors())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }
}
