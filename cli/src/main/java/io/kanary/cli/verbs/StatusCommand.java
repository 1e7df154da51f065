package io.kanary.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.DurationConverter;
import io.kanary.cli.Hints;
import io.kanary.cli.KafkaOption;
import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.client.UrlPath;
import io.kanary.cli.rollout.EvidenceLine;
import io.kanary.cli.rollout.LatestEvidence;
import io.kanary.cli.rollout.ProgressLine;
import io.kanary.cli.rollout.RolloutPhase;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.Judgement;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary status: one deployment in detail, or the list with each one's progress and the queues. */
@Command(name = "status",
        description = {"Show a deployment, or list them with their progress and queues.",
                "Show a deployment (its phase, step or batch, start time and age, each host, and while a batch "
                + "waits for evidence how far it has got, read from Kafka), or list "
                + "deployments with their progress and the requests queued per service."},
        footer = {"", "Examples:", "  kanary status                 list every deployment, newest first",
                "  kanary status --service web   list the deployments of web, queued ones included",
                "  kanary status web-1a2b3c4d     one deployment in detail",
                "  kanary status web-1a2b3c4d -o json | jq .phase", "",
                "Exit codes: 0 shown; 1 no such deployment (404); 3 the planner cannot be reached."})
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(arity = "0..1", paramLabel = "DEPLOYMENT", description = "A deployment id.")
    String deploymentId;

    @Option(names = "--service", description = "Only this service's deployments.")
    String service;

    /** Where the breach-detector's evidence of a waiting batch is read: the planner's API says only that it waits. */
    @Mixin
    KafkaOption kafka;

    @Option(names = "--evidence-timeout-s", defaultValue = "5",
            description = "How long to wait for Kafka when reading a waiting batch's evidence (default: ${DEFAULT-VALUE} s).")
    long evidenceTimeoutSeconds;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
            description = "text (default) or json: the planner's answer as it is, for scripts.")
    Output output;

    /** How status prints. */
    enum Output { TEXT, JSON }

    @Override
    public Integer call() throws Exception {
        PlannerClient client = planner.client();
        PrintWriter out = planner.out();
        JsonNode answer = deploymentId != null ? client.get("v1/deployments/" + UrlPath.encode(deploymentId))
                : allPages(client, "v1/deployments?limit=500" + (service == null ? "" : "&service=" + UrlPath.encode(service)));
        if (output == Output.JSON) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } else if (deploymentId != null) {
            print(answer, out, planner.hints(), Instant.now());
            if (waitsForEvidence(answer)) {
                printEvidence(answer, out);
            }
        } else {
            list(answer.path("deployments"), out, planner.hints(), Instant.now());
        }
        return 0;
    }

    /** The planner's words for a batch whose gates passed and that waits for the breach-detector's judgement. */
    static boolean waitsForEvidence(JsonNode d) {
        return d.path("evidence").asText("").startsWith("gates passed; waiting for evidence");
    }

    /** How far the waiting batch's evidence has got, from the judgements topic; a Kafka that does not answer is said, not fatal. */
    private void printEvidence(JsonNode d, PrintWriter out) {
        Instant now = Instant.now();
        try {
            Optional<Judgement.Progress> latest = LatestEvidence.of(kafka.clientProps(), d.path("id").asText(), now,
                    Duration.ofSeconds(evidenceTimeoutSeconds));
            if (latest.isPresent()) {
                Judgement.Progress p = latest.get();
                Duration age = Duration.between(p.judgedAt(), now);
                // With explicit steps the view's batch count is not the detector's: leave the total out.
                out.printf("  so far  %s (%s ago)%n", EvidenceLine.of(p, d.path("steps").asInt(0) > 0 ? 0 : d.path("batches").asInt(0)),
                        DurationConverter.format(age.isNegative() ? Duration.ZERO : age));
            } else {
                out.printf("  so far  no evidence record in the last %d s on %s (is the breach-detector running?)%n",
                        LatestEvidence.LOOK_BACK.toSeconds(), Topics.JUDGEMENTS.name());
            }
        } catch (KafkaException e) {
            out.printf("  so far  unknown: Kafka at %s did not answer (%s); pass --bootstrap-server, or watch it live with: %s%n",
                    kafka.clientProps().get("bootstrap.servers"), e.getMessage(), "kanary watch --service " + d.path("service").asText());
        }
    }

    /** The planner pages its list (newest first): follow each page's {@code next} and show them as one list. */
    private static JsonNode allPages(PlannerClient client, String first) {
        com.fasterxml.jackson.databind.node.ObjectNode all = Json.mapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode deployments = all.putArray("deployments");
        for (String path = first; path != null; ) {
            JsonNode page = client.get(path);
            page.path("deployments").forEach(deployments::add);
            path = page.hasNonNull("next") ? page.path("next").asText().replaceFirst("^/", "") : null;
        }
        return all;
    }

    static void print(JsonNode d, PrintWriter out, Hints hints, Instant now) {
        String id = d.path("id").asText();
        out.printf("deployment %s: %s %s (baseline %s)%n", id, d.path("service").asText(),
                d.path("version").asText(), d.path("baselineVersion").asText("none"));
        out.printf("  phase   %s %s%n", d.path("phase").asText(), ProgressLine.detail(d, hints));
        String started = ProgressLine.started(d, now);
        if (started != null) {
            out.printf("  started %s%s%n", started, d.hasNonNull("requestedBy") ? " by " + d.path("requestedBy").asText() : "");
        }
        if (d.hasNonNull("kind") && !"deploy".equals(d.path("kind").asText())) {
            out.printf("  kind    %s%s%n", d.path("kind").asText(), d.hasNonNull("cause") ? " of " + d.path("cause").asText() : "");
        }
        if (d.hasNonNull("needs")) {
            out.printf("  needs   %s to succeed first%n", d.path("needs").asText());
        }
        if (d.hasNonNull("reason")) {
            out.printf("  reason  %s%n", d.path("reason").asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = d.path("hosts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> host = it.next();
            out.printf("  %-10s %-12s was %-8s %s%n", host.getKey(), host.getValue().path("state").asText(),
                    host.getValue().path("previousVersion").asText("-"), host.getValue().path("detail").asText(""));
        }
    }

    static void list(JsonNode list, PrintWriter out, Hints hints, Instant now) {
        if (list.isEmpty()) {
            out.println("no deployments yet");
            return;
        }
        String row = "%-28s %-12s %-10s %-13s %-16s %-8s %s%n";
        out.printf(row, "DEPLOYMENT", "SERVICE", "VERSION", "PHASE", "PROGRESS", "AGE", "REASON");
        Map<String, List<String>> queued = new TreeMap<>();
        for (JsonNode d : list) {
            String phase = d.path("phase").asText();
            if (RolloutPhase.of(phase) == RolloutPhase.QUEUED) {
                queued.computeIfAbsent(d.path("service").asText(), s -> new ArrayList<>()).add(d.path("id").asText());
            }
            out.printf(row, d.path("id").asText(), d.path("service").asText(), d.path("version").asText(), phase,
                    progress(d), age(d, now), d.path("reason").asText(""));
        }
        queued.forEach((service, ids) -> out.printf("queued: %s has %d request(s) waiting: %s (cancel one with: %s)%n",
                service, ids.size(), String.join(", ", ids), hints.kanary("cancel ID")));
    }

    /** The short progress of the list: {@code step 3/5}, {@code batch 2/4} or {@code queued #1}. */
    private static String progress(JsonNode d) {
        if (RolloutPhase.of(d.path("phase").asText()) == RolloutPhase.QUEUED) {
            return "queued #" + d.path("queuePosition").asInt(1);
        }
        return d.path("steps").asInt(0) > 0 ? "step " + d.path("step").asInt() + "/" + d.path("steps").asInt()
                + (d.hasNonNull("stepKind") && !"batch".equals(d.path("stepKind").asText()) ? " " + d.path("stepKind").asText() : "")
                : "batch " + d.path("batch").asInt() + "/" + d.path("batches").asInt();
    }

    private static String age(JsonNode d, Instant now) {
        return d.hasNonNull("startedAt") ? DurationConverter.format(Duration.between(Instant.parse(d.path("startedAt").asText()), now)) : "-";
    }
}
