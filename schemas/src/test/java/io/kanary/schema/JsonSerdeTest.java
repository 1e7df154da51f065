package io.kanary.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The serde gives back what it was given, and names the type it could not read. */
class JsonSerdeTest {
    private static final String TOPIC = "any";

    static Stream<KanaryEvent> samples() {
        return Stream.concat(Samples.allFieldsSet().stream(), Samples.optionalFieldsNull().stream());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldRoundTripEverySampleToAnEqualRecord(KanaryEvent event) {
        JsonSerde<KanaryEvent> serde = JsonSerde.of(EventTypes.wireType(event.getClass()));

        KanaryEvent back = serde.deserialize(TOPIC, serde.serialize(TOPIC, event));

        assertEquals(event, back);
    }

    static Stream<Class<?>> wireTypes() {
        return Stream.concat(EventTypes.POLYMORPHIC.stream(), EventTypes.PLAIN.stream());
    }

    @ParameterizedTest
    @MethodSource("wireTypes")
    void shouldRefuseBytesThatAreNotJsonNamingTheType(Class<?> type) {
        JsonSerde<?> serde = JsonSerde.of(type);

        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserialize(TOPIC, "ts=1741944413;ok".getBytes(StandardCharsets.UTF_8)));

        assertTrue(e.getMessage().startsWith("Not a valid " + type.getSimpleName() + ": "), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("polymorphic")
    void shouldRefuseAnUnknownTypeNamingTheTypeAndTheUnknownName(Class<?> type) {
        JsonSerde<?> serde = JsonSerde.of(type);
        byte[] json = """
                {"type":"deployment.exploded","eventId":"e-1","schemaVersion":1,"deploymentId":"d-1",\
                "service":"checkout","hostId":"host-1","at":"2025-03-14T09:26:53Z"}""".getBytes(StandardCharsets.UTF_8);

        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize(TOPIC, json));

        assertTrue(e.getMessage().startsWith("Not a valid " + type.getSimpleName() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("deployment.exploded"), e.getMessage());
    }

    static Stream<Class<?>> polymorphic() {
        return EventTypes.POLYMORPHIC.stream().map(c -> c);
    }

    @Test
    void shouldRefuseAProbeWithoutItsService() {
        byte[] json = """
                {"eventId":"e-1","schemaVersion":1,"version":"v2","ok":true,"statusCode":200,"latencyMs":12,\
                "probedAt":"2025-03-14T09:26:53Z"}""".getBytes(StandardCharsets.UTF_8);

        SerializationException e = assertThrows(SerializationException.class,
                () -> JsonSerde.of(ProbeResult.class).deserialize(TOPIC, json));

        assertTrue(e.getMessage().startsWith("Not a valid ProbeResult: "), e.getMessage());
        assertTrue(e.getMessage().contains("service is required"), e.getMessage());
    }
}
