package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * What every kanary event has: an id, a schema version, and a CloudEvents type and subject.
 *
 * <p>The CloudEvents type is derived from the record's {@link JsonTypeName}, so the JSON
 * discriminator, the JSON Schema file name and the {@code ce_type} header can never disagree:
 * {@code @JsonTypeName("deployment.started")} gives {@code kanary.deployment.started.v1}.
 */
public interface KanaryEvent {
    int SCHEMA_VERSION = 1;

    String eventId();

    int schemaVersion();

    /** The CloudEvents {@code ce_subject}: the deployment id where the event belongs to one. */
    String subject();

    default String typeName() {
        JsonTypeName name = getClass().getAnnotation(JsonTypeName.class);
        if (name == null) {
            throw new IllegalStateException(getClass().getName() + " lacks @JsonTypeName");
        }
        return name.value();
    }

    default String ceType() {
        return "kanary." + typeName() + ".v" + schemaVersion();
    }
}
