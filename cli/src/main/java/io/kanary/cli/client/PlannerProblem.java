package io.kanary.cli.client;

import io.kanary.cli.ExitCodes;
import io.kanary.cli.UserError;

/**
 * The planner refused a request with an RFC 9457 problem: its status decides the exit code (409 is
 * {@link ExitCodes#CONFLICT}), and a caller that expects one status (404 while a request is still
 * on its way) can tell it apart.
 */
public final class PlannerProblem extends UserError {
    private final int status;
    private final String phase;

    PlannerProblem(int status, String phase, String text) {
        super(text, status == 409 ? ExitCodes.CONFLICT : ExitCodes.FAILED);
        this.status = status;
        this.phase = phase;
    }

    public int status() {
        return status;
    }

    /** For a 409: the phase that made the control inapplicable, or null. */
    public String phase() {
        return phase;
    }
}
