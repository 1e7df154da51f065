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

    public String url() {
        return planner.url;
    }

    /** Where the verb prints: the command line's out, so a test can read it. */
    public PrintWriter out() {
        return verb.commandLine().getOut();
    }
}
