package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How one deployment's instances are judged healthy, beyond "the health path answers 2xx". The
 * {@code kind} says who checks: the health-watcher runs {@code http} and {@code tcp} checks, the
 * executor of the instance's host runs {@code command} checks (on that host, never through a shell).
 * Each outcome is a probe on health.probes; a failed expectation is a failed probe whose
 * {@code error} says which expectation failed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(HealthCheck.Http.class),
        @JsonSubTypes.Type(HealthCheck.Tcp.class),
        @JsonSubTypes.Type(HealthCheck.Command.class)})
public sealed interface HealthCheck {
    /** A command check may run this long by default before it counts as failed. */
    long DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

    /** How long the check may take before it fails; null: the checker's default. */
    Long timeoutMs();

    /**
     * GET {@code path} (default: the run spec's {@code healthPath}) and expect a status and a body.
     *
     * @param expectStatus the statuses that pass; empty: any 2xx
     * @param expectBody   a value the JSON body must hold, or null: any body
     */
    @JsonTypeName("http")
    record Http(String path, List<Integer> expectStatus, BodyExpectation expectBody, Long timeoutMs)
            implements HealthCheck {
        public Http {
            expectStatus = expectStatus == null ? List.of() : List.copyOf(expectStatus);
        }
    }

    /** Connect to the instance's port; an accepted connection passes. */
    @JsonTypeName("tcp")
    record Tcp(Long timeoutMs) implements HealthCheck {
    }

    /**
     * Run {@code command} (an argv, {@code {port}} replaced by the instance's port, env {@code PORT}
     * set) on the instance's host and expect an exit code.
     *
     * @param expectExitCode the exit code that passes (default 0)
     */
    @JsonTypeName("command")
    record Command(List<String> command, Integer expectExitCode, Long timeoutMs) implements HealthCheck {
        public Command {
            // A copy that keeps a null element, so the rules can name it instead of failing here.
            command = command == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(command));
            expectExitCode = expectExitCode == null ? 0 : expectExitCode;
        }

        /** The timeout to apply: the given one or {@link #DEFAULT_COMMAND_TIMEOUT_MS}. */
        public long effectiveTimeoutMs() {
            return timeoutMs == null ? DEFAULT_COMMAND_TIMEOUT_MS : timeoutMs;
        }
    }

    /**
     * The JSON value at {@code pointer} (RFC 6901, e.g. {@code /status}) must equal {@code value}:
     * a string, number, boolean or null, compared by JSON type (numbers by value: 1 equals 1.0;
     * {@code "1"} never equals 1).
     */
    record BodyExpectation(String pointer, @JsonProperty("equals") JsonNode value) {
    }
}
