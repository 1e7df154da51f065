package io.kanary.planner.state;

/**
 * Where a deployment is in its lifecycle (DESIGN.md: REQUESTED → ROLLING → SUCCEEDED, or → ROLLING_BACK → ROLLED_BACK).
 * WAITING is a timed pause or approval step of its plan; PAUSED is an operator's pause; QUEUED waits for the
 * service's active deployment to end, and CANCELLED is a queued one an operator took out of the queue.
 */
public enum Phase {
    QUEUED, ROLLING, WAITING, PAUSED, ROLLING_BACK, SUCCEEDED, ROLLED_BACK, FAILED, ABORTED, CANCELLED;

    public boolean isActive() {
        return this == QUEUED || this == ROLLING || this == WAITING || this == PAUSED || this == ROLLING_BACK;
    }
}
