package io.kanary.cli.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.DurationConverter;
import io.kanary.cli.Hints;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;

/**
 * Where a deployment stands, in the words an operator acts on: its phase, its step or batch
 * (and, where it waits for someone, the command that ends the wait), how many hosts are done.
 * Read from the planner's deployment view.
 */
public final class ProgressLine {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private ProgressLine() {
    }

    /** e.g. {@code ROLLING step 3/5 (approval: kanary promote web-7), hosts 1/4 done}, and the reason once it ended. */
    public static String of(JsonNode d, Hints hints) {
        String line = d.path("phase").asText("?") + " " + detail(d, hints);
        return RolloutPhase.of(d.path("phase").asText()).isFinal() && d.hasNonNull("reason")
                ? line + ": " + d.path("reason").asText() : line;
    }

    /** Where it stands, without the phase: the queue, who paused it, the step or batch, the hosts done. */
    public static String detail(JsonNode d, Hints hints) {
        String id = d.path("id").asText();
        StringBuilder line = new StringBuilder();
        switch (RolloutPhase.of(d.path("phase").asText())) {
            case QUEUED -> {
                line.append("(position ").append(d.path("queuePosition").asInt(1)).append(" in ")
                        .append(d.path("service").asText()).append("'s queue");
                if (d.hasNonNull("needs")) {
                    line.append("; needs ").append(d.path("needs").asText()).append(" to succeed");
                }
                return line.append("; cancel with: ").append(hints.kanary("cancel " + id)).append(')').toString();
            }
            case PAUSED -> line.append("by ").append(d.path("pausedBy").asText("an operator"))
                    .append(" (resume with: ").append(hints.kanary("resume " + id)).append(") ");
            default -> {
            }
        }
        line.append(step(d, hints));
        String hosts = hosts(d);
        if (!hosts.isEmpty()) {
            line.append(", ").append(hosts);
        }
        if (d.hasNonNull("hook")) {
            line.append("; ").append(d.path("hook").asText());
        }
        if (d.hasNonNull("evidence")) {
            line.append("; ").append(d.path("evidence").asText());
        }
        return line.toString();
    }

    /** {@code step 3/5 (approval: kanary promote ID)} with steps, {@code batch 2/4} without. */
    public static String step(JsonNode d, Hints hints) {
        int steps = d.path("steps").asInt(0);
        if (steps == 0) {
            return "batch " + d.path("batch").asInt() + "/" + d.path("batches").asInt();
        }
        String text = "step " + d.path("step").asInt() + "/" + steps;
        String kind = d.path("stepKind").asText("");
        if (!"WAITING".equals(d.path("phase").asText())) {
            return text;
        }
        if ("approval".equals(kind)) {
            return text + " (approval: " + hints.kanary("promote " + d.path("id").asText()) + ")";
        }
        if ("pause".equals(kind) && d.hasNonNull("waitingUntil")) {
            return text + " (pause until " + CLOCK.format(Instant.parse(d.path("waitingUntil").asText())) + "; skip it with: "
                    + hints.kanary("promote " + d.path("id").asText()) + ")";
        }
        return text + " (" + kind + ")";
    }

    /** {@code hosts 2/6 done}: targets that run the new version and passed their gate, or empty when none are known. */
    static String hosts(JsonNode d) {
        int total = 0;
        int done = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = d.path("hosts").fields(); it.hasNext(); ) {
            String state = it.next().getValue().path("state").asText();
            total++;
            if (state.equals("healthy") || state.equals("updated")) {
                done++;
            }
        }
        return total == 0 ? "" : "hosts " + done + "/" + total + " done";
    }

    /** {@code 2026-12-02 02:10:04 (4m12s ago)}, or null when the view has no start time. */
    public static String started(JsonNode d, Instant now) {
        if (!d.hasNonNull("startedAt")) {
            return null;
        }
        Instant at = Instant.parse(d.path("startedAt").asText());
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault()).format(at)
                + " (" + DurationConverter.format(Duration.between(at, now)) + " ago)";
    }
}
