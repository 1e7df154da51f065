package io.kanary.cli.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.DurationConverter;
import io.kanary.cli.ExitCodes;
import io.kanary.cli.Hints;
import io.kanary.cli.UserError;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.client.PlannerProblem;
import io.kanary.cli.client.UrlPath;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Blocks until a deployment ends, polling the planner and printing a line whenever its progress
 * changes; the exit code says how it ended (see {@link ExitCodes}). Ends with
 * {@link ExitCodes#TIMED_OUT} when the timeout passes first, saying where the deployment stands and
 * how to move it on.
 */
public final class DeploymentWaiter {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PlannerClient planner;
    private final PrintWriter out;
    private final Hints hints;
    private final Duration timeout;
    private final Duration poll;
    /** Whether the last poll found no planner: said once, not at every poll. */
    private boolean plannerAway;

    public DeploymentWaiter(PlannerClient planner, PrintWriter out, Hints hints, Duration timeout, Duration poll) {
        this.planner = planner;
        this.out = out;
        this.hints = hints;
        this.timeout = timeout;
        this.poll = poll;
    }

    /**
     * @param justRequested the deployment was requested a moment ago, so a 404 means its request is still on
     *                      its way through deploy.requests (waited for), not a wrong id
     * @return the exit code: 0 for SUCCEEDED, 5..7 for the other ends
     */
    public int await(String id, boolean justRequested) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        JsonNode d = null;
        while (true) {
            d = view(id, justRequested, d);
            if (d != null) {
                String progress = ProgressLine.of(d, hints);
                if (!progress.equals(last)) {
                    out.printf("%s  %s  %s%n", CLOCK.format(Instant.now()), id, progress);
                    out.flush();
                    last = progress;
                }
                RolloutPhase phase = RolloutPhase.of(d.path("phase").asText());
                if (phase.isFinal()) {
                    return phase.exitCode();
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new UserError(timedOut(id, d), ExitCodes.TIMED_OUT);
            }
            Thread.sleep(Math.min(poll.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    private JsonNode view(String id, boolean justRequested, JsonNode previous) {
        try {
            JsonNode d = planner.get("v1/deployments/" + UrlPath.encode(id));
            plannerAway = false;
            return d;
        } catch (PlannerProblem p) {
            if (p.status() == 404 && justRequested && previous == null) {
                return null;
            }
            if (p.status() == 404) {
                throw new UserError("the planner knows no deployment " + id + "; list them with: " + hints.kanary("status"),
                        ExitCodes.FAILED);
            }
            if (p.status() >= 500 && previous != null) {
                return away(previous, p.getMessage());
            }
            throw p;
        } catch (IllegalStateException unreachable) {
            // The planner restarts (or its host does): the deployment goes on without it, so the wait does too.
            if (previous != null) {
                return away(previous, unreachable.getMessage());
            }
            throw unreachable;
        }
    }

    private JsonNode away(JsonNode previous, String why) {
        if (!plannerAway) {
            out.printf("%s  (the planner does not answer: %s; still waiting)%n", CLOCK.format(Instant.now()), why);
            out.flush();
            plannerAway = true;
        }
        return previous;
    }

    private String timedOut(String id, JsonNode d) {
        String waited = "waited " + DurationConverter.format(timeout) + " for deployment " + id;
        String more = "; keep waiting with: " + hints.kanary("wait " + id + " --timeout 30m");
        if (d == null) {
            return waited + ", and the planner has not planned it yet (is an executor announcing the target hosts?)" + more;
        }
        String phase = d.path("phase").asText();
        String next = switch (RolloutPhase.of(phase)) {
            case PAUSED -> "; it is paused by " + d.path("pausedBy").asText("an operator") + ": resume it with: "
                    + hints.kanary("resume " + id);
            case WAITING -> "approval".equals(d.path("stepKind").asText())
                    ? "; it waits for an approval: promote it with: " + hints.kanary("promote " + id)
                    : "; it is in a timed pause: end it now with: " + hints.kanary("promote " + id);
            case QUEUED -> "; it is queued behind the active deployment of " + d.path("service").asText()
                    + ": cancel it with: " + hints.kanary("cancel " + id);
            default -> "";
        };
        return waited + ", and it is still " + phase + " (" + ProgressLine.step(d, hints) + ")" + next + more;
    }
}
