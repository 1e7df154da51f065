package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;
import java.util.stream.Stream;

/** Every concrete kanary event record, found by reflection so a new record cannot be forgotten. */
final class EventTypes {
    /** The sealed families whose JSON carries a {@code type} discriminator. */
    static final List<Class<? extends KanaryEvent>> POLYMORPHIC =
            List.of(DeploymentEvent.class, HostCommand.class, HostEvent.class, Judgement.class);
    /** The events that are one record each, with no discriminator in their JSON. */
    static final List<Class<? extends KanaryEvent>> PLAIN =
            List.of(DeployRequest.class, ProbeResult.class, Breach.class, RollbackCommand.class,
                    ControlCommand.class, TrafficSample.class, InstanceHealth.class);

    private EventTypes() {
    }

    static List<Class<?>> concrete() {
        return Stream.concat(POLYMORPHIC.stream().flatMap(EventTypes::leaves), PLAIN.stream()).toList();
    }

    /** The @JsonTypeName: the JSON discriminator, the schema file's name and the middle of ce_type. */
    static String typeName(Class<?> type) {
        JsonTypeName name = type.getAnnotation(JsonTypeName.class);
        if (name == null) {
            throw new AssertionError(type.getName() + " lacks @JsonTypeName");
        }
        return name.value();
    }

    static boolean isPolymorphic(Class<?> type) {
        return POLYMORPHIC.stream().anyMatch(family -> family.isAssignableFrom(type));
    }

    /** The class a serde is made for: the record's sealed family, or the record itself. */
    @SuppressWarnings("unchecked")
    static <T> Class<T> wireType(Class<?> type) {
        return (Class<T>) POLYMORPHIC.stream().filter(family -> family.isAssignableFrom(type))
                .findFirst().orElse((Class<? extends KanaryEvent>) type);
    }

    private static Stream<Class<?>> leaves(Class<?> type) {
        // HostEvent nests a second sealed level (InstanceEvent); only records are events.
        return type.isSealed() ? Stream.of(type.getPermittedSubclasses()).flatMap(EventTypes::leaves) : Stream.of(type);
    }
}
