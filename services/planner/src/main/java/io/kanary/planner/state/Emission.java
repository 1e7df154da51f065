package io.kanary.planner.state;

import io.kanary.kafka.Topic;
import io.kanary.schema.KanaryEvent;

/** An event the planner decided to publish, with its key and the id of the event that caused it. */
public record Emission(Topic<String, ? extends KanaryEvent> topic, String key, KanaryEvent event, String causationId) {
}
