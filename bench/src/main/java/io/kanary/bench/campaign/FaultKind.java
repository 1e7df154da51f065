package io.kanary.bench.campaign;

import java.util.Locale;

/** What the campaign kills: one of the four services, or one broker of the three. */
public enum FaultKind {
    PLANNER, EXECUTOR, HEALTH_WATCHER, BREACH_DETECTOR, BROKER;

    /** The name in the table and in {@code kanary up --services}: {@code health-watcher}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
