package io.kanary.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary undo: a service back to an earlier revision, as a new deployment. */
@Command(name = "undo",
        description = {"Deploy an earlier revision of a service again.",
                "Deploy an earlier revision of a service again: its version, run spec and policy as the record "
                + "kept them (see 'kanary history'), as a new deployment judged like any other. Without --to-revision, "
                + "the revision before the current one."},
        footer = {"", "Examples:", "  kanary undo web                      back to the previous revision",
                "  kanary undo web --to-revision 3 --wait",
                "", "Exit codes: 0 requested (with --wait: SUCCEEDED); 4 no earlier revision (409); 1 no such revision "
                + "(404); 3 the planner cannot be reached; with --wait also 5, 6, 7, 8 as for 'kanary wait'."})
public final class UndoCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Mixin
    WaitTiming timing;

    @Parameters(paramLabel = "SERVICE", description = "The service to take back.")
    String service;

    @Option(names = "--to-revision", paramLabel = "N", description = "The revision to deploy again, as 'kanary history' numbers them.")
    Integer toRevision;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Option(names = "--wait", description = "Wait until the new deployment ends; the exit code says how.")
    boolean waitForEnd;

    @Override
    public Integer call() throws InterruptedException {
        if (toRevision != null && toRevision < 1) {
            throw new picocli.CommandLine.ParameterException(planner.spec().commandLine(),
                    "--to-revision " + toRevision + " is no revision: revisions count from 1 ('kanary history " + service + "')");
        }
        ObjectNode body = Control.body(reason);
        if (toRevision != null) {
            body.put("toRevision", toRevision);
        }
        JsonNode answer = Control.onService(planner, service, "undo", body);
        return Control.started(planner, answer, service + " back to revision " + answer.path("revision").asText("?"),
                waitForEnd, timing);
    }
}
