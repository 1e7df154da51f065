package io.kanary.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event's CloudEvents headers agree with its schema file, its id and its deployment. */
class CloudEventsTest {
    private static final String SOURCE = "/kanary/test";

    static Stream<KanaryEvent> samples() {
        return Stream.concat(Samples.allFieldsSet().stream(), Samples.optionalFieldsNull().stream());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldNameTypeIdAndSubjectOfEveryEvent(KanaryEvent event) {
        Headers headers = CloudEvents.headers(event, SOURCE, "e-cause-1");

        EventSchemas.read(event.typeName()); // the type name is the schema file's name
        assertEquals(Optional.of("kanary." + event.typeName() + ".v1"), header(headers, CloudEvents.TYPE));
        assertEquals(Optional.of(event.eventId()), header(headers, CloudEvents.ID));
        assertEquals(Optional.of(expectedSubject(event)), header(headers, CloudEvents.SUBJECT));
        assertEquals(Optional.of("1.0"), header(headers, CloudEvents.SPEC_VERSION));
        assertEquals(Optional.of(SOURCE), header(headers, CloudEvents.SOURCE));
        assertEquals(Optional.of("application/json"), header(headers, CloudEvents.CONTENT_TYPE));
        assertEquals(Optional.of("e-cause-1"), header(headers, CloudEvents.CAUSATION_ID));
        Instant.parse(header(headers, CloudEvents.TIME).orElseThrow());
    }

    @Test
    void shouldUseTheDeploymentIdAsSubject() {
        DeploymentEvent started = new DeploymentEvent.Started("e-dep-1", 1, "d-checkout-0042", "checkout", "v2", "v1",
                null, Samples.RUN, Samples.POLICY, List.of(List.of("host-1")), "alice", Samples.T0);

        Headers headers = CloudEvents.headers(started, SOURCE, null);

        assertEquals(Optional.of("kanary.deployment.started.v1"), header(headers, CloudEvents.TYPE));
        assertEquals(Optional.of("e-dep-1"), header(headers, CloudEvents.ID));
        assertEquals(Optional.of("d-checkout-0042"), header(headers, CloudEvents.SUBJECT));
    }

    @Test
    void shouldDeriveTheSubjectOfARequestWithoutDeploymentIdFromItsEventId() {
        DeployRequest request = new DeployRequest("e-req-9", 1, null, "checkout", "v2", Samples.RUN, null, null, null,
                null, Samples.T0);

        assertEquals(Optional.of("d-e-req-9"), header(CloudEvents.headers(request, SOURCE, null), CloudEvents.SUBJECT));
    }

    @Test
    void shouldLeaveOutTheCausationOfAFirstCause() {
        DeployRequest request = (DeployRequest) Samples.allFieldsSet().get(0);

        assertFalse(CloudEvents.headers(request, SOURCE, null).headers(CloudEvents.CAUSATION_ID).iterator().hasNext());
    }

    @Test
    void shouldBuildARecordForTheTopicWithItsHeaders() {
        HostCommand.Deploy deploy = new HostCommand.Deploy("e-cmd-1", 1, "host-1", "d-checkout-0042", "checkout", "v2",
                Samples.RUN, Samples.T0);

        ProducerRecord<String, HostCommand> record =
                CloudEvents.record(Topics.HOST_COMMANDS, deploy.hostId(), deploy, "/kanary/planner", "e-dep-2");

        assertEquals(Topics.HOST_COMMANDS.name(), record.topic());
        assertEquals("host-1", record.key());
        assertEquals(deploy, record.value());
        assertEquals(Optional.of("kanary.host.command.deploy.v1"), header(record.headers(), CloudEvents.TYPE));
        assertEquals(Optional.of("d-checkout-0042"), header(record.headers(), CloudEvents.SUBJECT));
        assertEquals(Optional.of("e-dep-2"), header(record.headers(), CloudEvents.CAUSATION_ID));
    }

    /** ce_subject is the deployment id wherever the event belongs to one; else the service or the host. */
    private static String expectedSubject(KanaryEvent event) {
        if (event instanceof DeployRequest request) {
            return request.deploymentId() != null ? request.deploymentId() : "d-" + request.eventId();
        } else if (event instanceof ProbeResult probe) {
            return probe.service();
        } else if (event instanceof TrafficSample sample) {
            return sample.service();
        } else if (event instanceof InstanceHealth health) {
            return health.service();
        } else if (event instanceof HostEvent.Announced announced) {
            return announced.hostId();
        } else if (event instanceof HostEvent.Heartbeat heartbeat) {
            return heartbeat.hostId();
        }
        return Samples.DEPLOYMENT;
    }

    private static Optional<String> header(Headers headers, String name) {
        return CloudEvents.header(headers, name);
    }
}
