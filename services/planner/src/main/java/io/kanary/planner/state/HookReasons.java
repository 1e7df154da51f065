package io.kanary.planner.state;

import io.kanary.schema.HostEvent;
import java.util.List;

/** The sentences a failed or silent hook puts in a rollback's reason. */
final class HookReasons {
    /** How much of a hook's output tail a reason quotes; the whole tail stays on host.hook.finished. */
    static final int OUTPUT_IN_REASON = 500;

    private HookReasons() {
    }

    /** E.g. "pre-deploy hook failed on host-1: the hook exited with 3, expected 0 (exit 3); output: pg_dump: error". */
    static String failed(String hook, HostEvent.HookFinished f) {
        String reason = f.reason() == null || f.reason().isBlank() ? "it did not pass" : f.reason();
        String exit = f.exitCode() == null ? "" : " (exit " + f.exitCode() + ")";
        String tail = f.outputTail() == null ? "" : f.outputTail().strip();
        if (tail.length() > OUTPUT_IN_REASON) {
            tail = "…" + tail.substring(tail.length() - OUTPUT_IN_REASON);
        }
        return hook + " hook failed on " + f.hostId() + ": " + reason + exit + (tail.isEmpty() ? "" : "; output: " + tail);
    }

    /** E.g. "smoke batch 2 hook: host-3 did not report within 90.0s (its timeout 60.0s plus 30.0s to report)". */
    static String noAnswer(String hook, List<String> hosts, long timeoutMs, long slackMs) {
        return hook + " hook: " + String.join(", ", hosts) + " did not report within " + (timeoutMs + slackMs) / 1000.0
                + "s (its timeout " + timeoutMs / 1000.0 + "s plus " + slackMs / 1000.0 + "s to report); is the executor"
                + " of " + String.join(", ", hosts) + " running?";
    }
}
