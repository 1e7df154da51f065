package io.kanary.planner.state;

/** Where a deployment is in its lifecycle (DESIGN.md: REQUESTED → ROLLING → SUCCEEDED, or → ROLLING_BACK → ROLLED_BACK). */
public enum Phase {
    ROLLING, PAUSED, ROLLING_BACK, SUCCEEDED, ROLLED_BACK, FAILED, ABORTED;

    public boolean isActive() {
        return this == ROLLING || this == PAUSED || this == ROLLING_BACK;
    }
}
