package io.kanary.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.RequiredFields;
import io.kanary.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Any bytes read through the reader give an event or a sentence saying why not; never an exception. */
class EventReaderTest {
    private static final String GOOD_REQUEST = """
            {"eventId":"r-1","schemaVersion":1,"service":"web","version":"v2","run":{"command":["app"]},"batchSize":2,"hosts":["host-1"]}""";

    static Stream<KanaryEvent> samples() {
        return Stream.concat(Samples.allFieldsSet().stream(), Samples.optionalFieldsNull().stream());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldFindNothingMissingInAnyWellFormedSample(KanaryEvent event) {
        assertEquals(Optional.empty(), RequiredFields.problem(event));
    }

    @Test
    void shouldReadAGoodRequest() {
        EventReader.Outcome<DeployRequest> read = EventReader.of(Topics.DEPLOY_REQUESTS).read(utf8(GOOD_REQUEST));

        assertFalse(read.isRefused(), read.refusal());
        assertEquals("r-1", read.event().eventId());
        assertEquals(2, read.event().batchSize());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            truncated JSON         | {"eventId":"r-1","schemaVersion":1,"service":"we                                           | Not a valid DeployRequest
            JSON null              | null                                                                      | the value is JSON null
            an array               | [1,2]                                                                     | Not a valid DeployRequest
            no eventId             | {"schemaVersion":1,"service":"web","version":"v2","run":{"command":["app"]}}              | deploy.requested without eventId
            a blank eventId        | {"eventId":" ","schemaVersion":1,"service":"web","version":"v2","run":{"command":["app"]}} | deploy.requested without eventId
            a number for a name    | {"eventId":"r-1","schemaVersion":1,"service":123,"version":"v2"}                           | at service
            a fraction of a batch  | {"eventId":"r-1","schemaVersion":1,"service":"web","version":"v2","batchSize":1.5}         | at batchSize
            a string for a number  | {"eventId":"r-1","schemaVersion":1,"service":"web","version":"v2","batchSize":"2"}         | at batchSize
            a duplicate key        | {"eventId":"r-1","schemaVersion":1,"service":"web","service":"api","version":"v2"}         | Duplicate field 'service'
            a null host            | {"eventId":"r-1","schemaVersion":1,"service":"web","version":"v2","hosts":[null]}          | null is not allowed there (null at hosts[0])
            """)
    void shouldRefuseABadRequestSayingWhy(String what, String json, String reason) {
        EventReader.Outcome<DeployRequest> read = EventReader.of(Topics.DEPLOY_REQUESTS).read(utf8(json));

        assertTrue(read.isRefused(), what);
        assertNull(read.event());
        assertTrue(read.refusal().contains(reason), what + ": " + read.refusal());
    }

    @Test
    void shouldRefuseAQueuedDeploymentWithoutItsRequestAndAControlWithoutAnAction() {
        String queued = EventReader.of(Topics.DEPLOY_EVENTS).read(utf8("""
                {"type":"deployment.queued","eventId":"e-1","schemaVersion":1,"deploymentId":"d-1","service":"web",\
                "front":false,"at":"2025-03-14T09:26:53Z"}""")).refusal();
        String control = EventReader.of(Topics.DEPLOY_CONTROLS).read(utf8("""
                {"eventId":"c-1","schemaVersion":1,"deploymentId":"d-1","service":"web","by":"alice",\
                "issuedAt":"2025-03-14T09:26:53Z"}""")).refusal();
        String unknownAction = EventReader.of(Topics.DEPLOY_CONTROLS).read(utf8("""
                {"eventId":"c-1","schemaVersion":1,"deploymentId":"d-1","service":"web","action":"explode","by":"alice",\
                "issuedAt":"2025-03-14T09:26:53Z"}""")).refusal();

        assertEquals("deployment.queued without request", queued);
        assertEquals("control.requested without action", control);
        assertTrue(unknownAction.contains("Not a valid ControlCommand"), unknownAction);
    }

    @Test
    void shouldRefuseANullAndAnOversizedValueUnread() {
        EventReader<DeployRequest> reader = EventReader.of(Topics.DEPLOY_REQUESTS);

        assertTrue(reader.read((byte[]) null).refusal().startsWith("no value (a null record)"));
        byte[] huge = ("{\"eventId\":\"" + "x".repeat(EventReader.MAX_VALUE_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertTrue(reader.read(huge).refusal().contains("is larger than the 524288 bytes"), reader.read(huge).refusal());
    }

    @Test
    void shouldRefuseAStringForABooleanOnAProbe() {
        EventReader.Outcome<ProbeResult> read = EventReader.of(Topics.HEALTH_PROBES).read(utf8("""
                {"eventId":"p-1","schemaVersion":1,"service":"web","version":"v2","hostId":"host-1","ok":"true","statusCode":200,\
                "latencyMs":3,"probedAt":"2025-03-14T09:26:53Z"}"""));

        assertTrue(read.isRefused());
        assertTrue(read.refusal().contains("at ok"), read.refusal());
    }

    @Test
    void shouldRefuseAnAnnouncementWithoutHostIdAndAnUnknownType() {
        EventReader<HostEvent> reader = EventReader.of(Topics.HOST_EVENTS);

        assertEquals("host.announced without hostId", reader.read(utf8("""
                {"type":"host.announced","eventId":"h-1","schemaVersion":1,"driver":"process","at":"2025-03-14T09:26:53Z"}""")).refusal());
        assertTrue(reader.read(utf8("""
                {"type":"host.exploded","eventId":"h-1","schemaVersion":1,"hostId":"host-1","at":"2025-03-14T09:26:53Z"}"""))
                .refusal().contains("host.exploded"));
    }

    @Test
    void shouldTolerateAnUnknownFieldForForwardCompatibility() {
        EventReader.Outcome<DeployRequest> read = EventReader.of(Topics.DEPLOY_REQUESTS)
                .read(utf8(GOOD_REQUEST.replace("\"batchSize\":2", "\"batchSize\":2,\"addedLater\":true")));

        assertFalse(read.isRefused(), read.refusal());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
