package io.kanary.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import io.kanary.schema.DeployRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** kanary deploy's flags become a {@link DeployRequest}, written as JSON by the one mapper. */
class DeployRequestFromFlagsTest {

    private static DeployRequest requestOf(String... args) {
        DeployCommand deploy = new DeployCommand();
        new CommandLine(deploy).parseArgs(args);
        return deploy.request();
    }

    @Test
    void shouldCarryEveryFlagIntoTheRequest() {
        DeployRequest request = requestOf("--service", "web", "--version", "v2", "--id", "web-7", "--hosts", "host-1,host-2",
                "--batch-size", "2", "--env", "MODE=prod", "--health-path", "/ready", "--max-error-rate", "0.02",
                "--min-samples", "40", "--", "./web", "--port", "{port}");

        assertEquals("web", request.service());
        assertEquals("v2", request.version());
        assertEquals("web-7", request.deploymentId());
        assertEquals(List.of("host-1", "host-2"), request.hosts());
        assertEquals(2, request.batchSize());
        assertEquals(List.of("./web", "--port", "{port}"), request.run().command());
        assertEquals(Map.of("MODE", "prod"), request.run().env());
        assertEquals("/ready", request.run().healthPath());
        assertEquals(0.02, request.policy().maxErrorRate());
        assertEquals(40, request.policy().minSamples());
    }

    @Test
    void shouldWriteNoEnvelopeTheApiFillsIn() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsBytes(
                requestOf("--service", "web", "--version", "v2", "--", "python3", "-m", "http.server", "{port}")));

        assertFalse(json.has("eventId"), json.toString());
        assertFalse(json.has("requestedAt"), json.toString());
        assertFalse(json.has("deploymentId"), json.toString());
        assertEquals("web", json.path("service").asText());
        assertEquals("[\"python3\",\"-m\",\"http.server\",\"{port}\"]", json.path("run").path("command").toString());
        assertEquals("/health", json.path("run").path("healthPath").asText());
        assertEquals(1, json.path("batchSize").asInt());
        assertTrue(json.path("requestedBy").asText().startsWith("cli:"), json.toString());
    }
}
