package io.kanary.cli.verbs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.ExitCodes;
import io.kanary.cli.PlannerVerb;
import io.kanary.cli.UserError;
import io.kanary.cli.rollout.PlanPrinter;
import io.kanary.kafka.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** kanary lint: a deploy request checked by the planner and its plan shown, nothing started. */
@Command(name = "lint",
        description = {"Check a deploy request and show its plan; start nothing.",
                "Check a deploy request (the JSON of POST /v1/deployments) with the planner, without starting "
                + "anything, and print the batches, pauses, approvals and gates it would produce. 'kanary deploy "
                + "--dry-run' does the same for a request given as flags."},
        footer = {"", "Examples:", "  kanary lint request.json", "  jq '.version = \"v3\"' request.json | kanary lint -", "",
                "Exit codes: 0 valid; 1 invalid (each broken rule is listed) or unreadable; 3 the planner cannot be reached."})
public final class LintCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "FILE", description = "The request's JSON file, or - for standard input.")
    String file;

    @Override
    public Integer call() throws IOException {
        PlanPrinter.print(planner.client().post("v1/deployments?dryRun=true", read()), planner.out());
        return 0;
    }

    private JsonNode read() throws IOException {
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            JsonNode request = Json.mapper().readTree(in);
            if (request == null || !request.isObject()) {
                throw new UserError(name() + " holds no JSON object: give a deploy request such as "
                        + "{\"service\": \"web\", \"version\": \"v2\", \"run\": {\"command\": [\"./web\"]}}", ExitCodes.FAILED);
            }
            return request;
        } catch (NoSuchFileException e) {
            throw new UserError("there is no file " + file + "; give the request's JSON file, or - to read standard input",
                    ExitCodes.FAILED);
        } catch (JsonProcessingException e) {
            throw new UserError(name() + " is not JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), ExitCodes.FAILED);
        }
    }

    private String name() {
        return file.equals("-") ? "standard input" : file;
    }
}
