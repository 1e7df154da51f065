package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * An operator steers a deployment, on deploy.controls keyed by service; the planner acts on it in
 * the same transaction as its other inputs and records what it did on deploy.events with
 * {@code by} and {@code reason}. The event id is the client's idempotency key when it sent one, so
 * the same command twice acts once.
 *
 * @param full   for {@code promote}: also skip every remaining pause and approval step
 * @param by     who asked: the authenticated principal's name
 * @param reason why, in words; optional
 */
@JsonTypeName("control.requested")
public record ControlCommand(String eventId, int schemaVersion, String deploymentId, String service, Action action,
                             Boolean full, String by, String reason, Instant issuedAt) implements KanaryEvent {

    /** What the operator asks for. */
    public enum Action {
        /** Finish the current batch's gates, start nothing new; judgement goes on. */
        @JsonProperty("pause") PAUSE,
        /** Continue a paused deployment. */
        @JsonProperty("resume") RESUME,
        /** Roll the updated hosts back now; the deployment ends ABORTED. */
        @JsonProperty("abort") ABORT,
        /** End the current timed pause or approval now (with {@code full}: skip every remaining one). */
        @JsonProperty("promote") PROMOTE,
        /** Take a queued deployment out of its service's queue. */
        @JsonProperty("cancel") CANCEL;

        /** The word on the wire and in the API's paths. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @JsonIgnore
    public boolean isFull() {
        return Boolean.TRUE.equals(full);
    }

    @Override
    public String subject() {
        return deploymentId;
    }
}
