package io.kanary.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import io.kanary.kafka.Json;
import io.kanary.kafka.JsonSerde;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON Schemas and the records they describe cannot drift apart. */
class EventSchemaTest {
    private static final String STARTED = "deployment.started";

    static Stream<Arguments> samples() {
        return Stream.concat(
                Samples.allFieldsSet().stream().map(e -> Arguments.of(named(e.typeName() + " (all fields)", e))),
                Samples.optionalFieldsNull().stream().map(e -> Arguments.of(named(e.typeName() + " (optional null)", e))));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldValidateSerializedSampleAgainstItsSchema(KanaryEvent event) throws IOException {
        JsonNode json = serialize(event);

        Set<ValidationMessage> messages = EventSchemas.validate(event.typeName(), json);

        assertTrue(messages.isEmpty(), () -> json + " breaks " + event.typeName() + ".json: " + messages);
    }

    @Test
    void shouldHaveASchemaFileForEveryRecordAndARecordForEverySchemaFile() {
        Set<String> recordTypes = EventTypes.concrete().stream().map(EventTypes::typeName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaFiles = new TreeSet<>(EventSchemas.fileNames());
        schemaFiles.remove(EventSchemas.COMMON);

        assertEquals(40, recordTypes.size(), "DeployRequest, 17 deployment events, 3 judgements, 4 host commands, 9 host events, "
                + "ProbeResult, Breach, RollbackCommand, ControlCommand, TrafficSample, InstanceHealth: " + recordTypes);
        assertEquals(recordTypes, schemaFiles);
    }

    @Test
    void shouldHaveSamplesOfEveryEventTypeInBothVariants() {
        Set<String> types = EventTypes.concrete().stream().map(EventTypes::typeName).collect(Collectors.toSet());

        assertEquals(types, Samples.allFieldsSet().stream().map(KanaryEvent::typeName).collect(Collectors.toSet()));
        assertEquals(types, Samples.optionalFieldsNull().stream().map(KanaryEvent::typeName).collect(Collectors.toSet()));
    }

    /** Validation shows every written field is in the schema; this shows every schema property is a field. */
    @Test
    void shouldDescribeExactlyTheRecordComponentsOfEveryEvent() {
        for (Class<?> type : EventTypes.concrete()) {
            Set<String> expected = componentNames(type);
            if (EventTypes.isPolymorphic(type)) {
                expected.add("type");
            }
            assertEquals(expected, propertyNames(EventSchemas.read(EventTypes.typeName(type))), type.getName());
        }
    }

    @Test
    void shouldDescribeExactlyTheRecordComponentsOfSharedShapes() {
        JsonNode defs = EventSchemas.read(EventSchemas.COMMON).get("$defs");

        for (Class<?> type : List.of(RunSpec.class, Policy.class, Instance.class)) {
            assertEquals(componentNames(type), propertyNames(defs.get(type.getSimpleName())), type.getName());
        }
    }

    /** The all-fields sample must write every property, and the optional-null one leave out exactly the optional ones. */
    @Test
    void shouldExerciseEveryPropertyAndEveryOptionalFieldInTheSamples() throws IOException {
        for (KanaryEvent event : Samples.allFieldsSet()) {
            JsonNode schema = EventSchemas.read(event.typeName());
            assertEquals(propertyNames(schema), fieldNames(serialize(event)), event.typeName() + " (all fields)");
        }
        // A type may need two optional-null samples (rollback.requested has breachId or operator): what
        // every one of them writes must be exactly what the schema requires.
        Map<String, Set<String>> alwaysWritten = new TreeMap<>();
        for (KanaryEvent event : Samples.optionalFieldsNull()) {
            alwaysWritten.merge(event.typeName(), fieldNames(serialize(event)), (a, b) -> {
                a.retainAll(b);
                return a;
            });
        }
        alwaysWritten.forEach((type, written) ->
                assertEquals(requiredNames(EventSchemas.read(type)), written, type + " (optional null)"));
    }

    @Test
    void shouldTypeEveryPolymorphicEventWithItsOwnName() {
        for (Class<?> type : EventTypes.concrete()) {
            JsonNode schema = EventSchemas.read(EventTypes.typeName(type));
            JsonNode discriminator = schema.get("properties").get("type");
            if (EventTypes.isPolymorphic(type)) {
                assertEquals(EventTypes.typeName(type), discriminator.get("const").asText(), type.getName());
                assertTrue(requiredNames(schema).contains("type"), type.getName());
            } else {
                assertEquals(null, discriminator, type.getName() + " is written without a type");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void shouldBeAValidDraft202012SchemaWithItsOwnId(String name) {
        JsonNode schema = EventSchemas.read(name);

        assertEquals(Set.of(), EventSchemas.metaSchema().validate(schema), name);
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        assertEquals(EventSchemas.ID_PREFIX + name + ".json", schema.get("$id").asText());
        EventSchemas.of(name); // every $ref resolves, from the classpath
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void shouldCloseEveryObjectAndDescribeEveryField(String name) {
        List<String> problems = new ArrayList<>();
        lint(name, EventSchemas.read(name), problems);

        assertEquals(List.of(), problems);
    }

    static Stream<String> schemaFiles() {
        return EventSchemas.fileNames().stream();
    }

    // ---- the schemas refuse what the records never write ----

    @Test
    void shouldRefuseAnUnknownField() throws IOException {
        assertRefused(STARTED, "additionalProperties", json -> json.put("color", "blue"));
    }

    @Test
    void shouldRefuseAnUnknownFieldInANestedShape() throws IOException {
        assertRefused(STARTED, "additionalProperties", json -> ((ObjectNode) json.get("policy")).put("maxErrors", 3));
    }

    @Test
    void shouldRefuseAMissingRequiredField() throws IOException {
        assertRefused(STARTED, "required", json -> json.remove("eventId"));
    }

    @Test
    void shouldRefuseAnotherEventsType() throws IOException {
        assertRefused(STARTED, "const", json -> json.put("type", "deployment.succeeded"));
    }

    @Test
    void shouldRefuseAnotherSchemaVersion() throws IOException {
        assertRefused(STARTED, "const", json -> json.put("schemaVersion", 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2025-03-14 09:26:53", "1741944413589"})
    void shouldRefuseATimeThatIsNotADateTime(String time) throws IOException {
        assertRefused(STARTED, "format", json -> json.put("at", time));
    }

    @Test
    void shouldRefuseAnErrorRateAboveOne() throws IOException {
        assertRefused(STARTED, "maximum", json -> ((ObjectNode) json.get("policy")).put("maxErrorRate", 1.5));
        assertRefused("breach.detected", "maximum", json -> json.put("observed", 40.0));
    }

    @Test
    void shouldAcceptALatencyAboveOne() throws IOException {
        ObjectNode breach = sample("breach.detected");
        breach.put("metric", Breach.P99_LATENCY_MS).put("observed", 1_730.5).put("threshold", 800).put("baseline", 120);

        assertEquals(Set.of(), EventSchemas.validate("breach.detected", breach));
    }

    @Test
    void shouldRefuseAnUnknownMetric() throws IOException {
        assertRefused("breach.detected", "enum", json -> json.put("metric", "cpu"));
    }

    @Test
    void shouldRefuseARollbackCommandFromNobody() throws IOException {
        assertRefused("rollback.requested", "anyOf", json -> {
            json.remove("breachId");
            json.remove("operator");
        });
    }

    @Test
    void shouldRefuseARolledBackVersionWithoutItsInstance() throws IOException {
        assertRefused("host.instance.rolled-back", "dependentRequired", json -> json.remove("instance"));
    }

    @Test
    void shouldRefuseAHostTwiceInABatch() throws IOException {
        assertRefused("deployment.batch.started", "uniqueItems",
                json -> json.putArray("hosts").add("host-1").add("host-1"));
    }

    // ---- helpers ----

    /** The all-fields sample of {@code typeName}, broken by {@code breakIt}, fails its schema on {@code keyword}. */
    private static void assertRefused(String typeName, String keyword, Consumer<ObjectNode> breakIt) throws IOException {
        ObjectNode json = sample(typeName);
        assertEquals(Set.of(), EventSchemas.validate(typeName, json), "the unbroken sample is valid");
        breakIt.accept(json);

        Set<ValidationMessage> messages = EventSchemas.validate(typeName, json);

        assertFalse(messages.isEmpty(), () -> typeName + " accepted " + json);
        // A failed anyOf is reported as the failures of its branches: match the keyword on the path too.
        assertTrue(messages.stream().anyMatch(m -> keyword.equals(m.getType())
                        || m.getEvaluationPath().toString().contains("." + keyword + "[")
                        || m.getEvaluationPath().toString().contains("/" + keyword + "/")),
                () -> "expected a " + keyword + " message, got " + messages);
    }

    private static ObjectNode sample(String typeName) throws IOException {
        KanaryEvent event = Samples.allFieldsSet().stream().filter(e -> e.typeName().equals(typeName))
                .findFirst().orElseThrow();
        return (ObjectNode) serialize(event);
    }

    static JsonNode serialize(KanaryEvent event) throws IOException {
        byte[] bytes = JsonSerde.of(EventTypes.wireType(event.getClass())).serialize("any", event);
        return Json.mapper().readTree(bytes);
    }

    private static Set<String> componentNames(Class<?> record) {
        return Stream.of(record.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> propertyNames(JsonNode schema) {
        return fieldNames(schema.get("properties"));
    }

    private static Set<String> requiredNames(JsonNode schema) {
        Set<String> names = new TreeSet<>();
        schema.get("required").forEach(name -> names.add(name.asText()));
        return names;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Every object shape is closed, and every property says what it means. */
    private static void lint(String where, JsonNode node, List<String> problems) {
        if (node.isObject()) {
            if ("object".equals(node.path("type").asText()) && node.has("properties")) {
                if (!node.path("additionalProperties").isBoolean() || node.get("additionalProperties").asBoolean()) {
                    problems.add(where + ": additionalProperties must be false");
                }
                node.get("properties").fields().forEachRemaining(p -> {
                    if (p.getValue().path("description").asText().isBlank()) {
                        problems.add(where + "/" + p.getKey() + ": no description");
                    }
                });
                node.path("required").forEach(r -> {
                    if (!node.get("properties").has(r.asText())) {
                        problems.add(where + ": requires undeclared " + r.asText());
                    }
                });
            }
            node.fields().forEachRemaining(f -> lint(where + "/" + f.getKey(), f.getValue(), problems));
        } else if (node.isArray()) {
            node.forEach(item -> lint(where + "[]", item, problems));
        }
    }
}
