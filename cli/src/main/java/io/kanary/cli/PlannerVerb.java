package io.kanary.cli;

import io.kanary.cli.client.PlannerClient;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every verb that talks to the planner has: -h/--help, --planner, and the command line's output. */
public final class PlannerVerb {
    @Spec(Spec.Target.MIXEE)
    CommandSpec verb;

    @Mixin
    HelpOption help;

    @Mixin
    PlannerOption planner;

    public PlannerClient client() {
        return planner.client();
    }

    /** The commands to suggest, with --planner when the user needed it. */
    public Hints hints() {
        return Hints.forPlanner(planner.url, System.getenv("KANARY_PLANNER"));
    }

    public String url() {
        return planner.url;
    }

    /** The verb's command spec, for a ParameterException that prints its usage. */
    public CommandSpec spec() {
        return verb;
    }

    /** Where the verb prints: the command line's out, so a test can read it. */
    public PrintWriter out() {
        return verb.commandLine().getOut();
    }
}
