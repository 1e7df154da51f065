package io.kanary.cli.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.DurationConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The plan of a dry run (POST /v1/deployments?dryRun=true): the batches, pauses, approvals and gates a request would produce. */
public final class PlanPrinter {
    private PlanPrinter() {
    }

    public static void print(JsonNode plan, PrintWriter out) {
        out.printf("valid: %s %s would roll out in %d step(s); nothing was started%n", plan.path("service").asText(),
                plan.path("version").asText(), plan.path("steps").size());
        int n = 0;
        for (JsonNode step : plan.path("steps")) {
            n++;
            out.printf("  %2d. %s%n", n, describe(step));
        }
        if (plan.hasNonNull("policy")) {
            out.println("  gates: " + fields(plan.path("policy")));
        }
        if (plan.hasNonNull("checks") && !plan.path("checks").isEmpty()) {
            out.println("  checks: " + plan.path("checks"));
        }
        JsonNode hooks = plan.path("hooks");
        if (hooks.hasNonNull("preDeploy")) {
            JsonNode pre = hooks.path("preDeploy");
            out.printf("  pre-deploy hook: %s on %s, before the first batch%n", hook(pre),
                    pre.hasNonNull("host") ? pre.path("host").asText() : "the first target host");
        }
        if (hooks.hasNonNull("smoke")) {
            out.printf("  smoke test: %s on each host of a batch, before the next batch%n", hook(hooks.path("smoke")));
        }
        if (plan.hasNonNull("run")) {
            out.println("  run: " + plan.path("run"));
        }
    }

    static String describe(JsonNode step) {
        return switch (step.path("kind").asText()) {
            case "batch" -> {
                List<String> hosts = new ArrayList<>();
                step.path("hosts").forEach(h -> hosts.add(h.asText()));
                yield "batch     " + String.join(", ", hosts);
            }
            case "pause" -> "pause     " + DurationConverter.format(Duration.ofMillis(step.path("durationMs").asLong()))
                    + " (judgement goes on; continues by itself)";
            case "approval" -> "approval  waits for 'kanary promote'";
            default -> step.toString();
        };
    }

    /** A hook in words: its argv, its HTTP checks' paths, its timeout. */
    static String hook(JsonNode hook) {
        List<String> parts = new ArrayList<>();
        if (!hook.path("command").isEmpty()) {
            List<String> argv = new ArrayList<>();
            hook.path("command").forEach(word -> argv.add(word.asText()));
            parts.add(String.join(" ", argv));
        }
        hook.path("http").forEach(check -> parts.add("GET " + check.path("path").asText()));
        String what = String.join(", then ", parts);
        return hook.hasNonNull("timeoutMs")
                ? what + " (timeout " + DurationConverter.format(Duration.ofMillis(hook.path("timeoutMs").asLong())) + ")"
                : what;
    }

    private static String fields(JsonNode object) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            parts.add(field.getKey() + " " + field.getValue().asText(field.getValue().toString()));
        }
        return String.join(", ", parts);
    }
}
