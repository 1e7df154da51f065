package io.kanary.cli;

/** The services {@code kanary up} can start. */
enum ServiceName {
    PLANNER, EXECUTOR, HEALTH_WATCHER, BREACH_DETECTOR
}
