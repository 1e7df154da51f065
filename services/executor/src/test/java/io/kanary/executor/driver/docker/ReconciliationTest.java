package io.kanary.executor.driver.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import io.kanary.kafka.Json;
import io.kanary.schema.RunSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
    private static final RunSpec SPEC = new RunSpec("shop:v1", List.of(), Map.of(), "/health", 2_000L);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldTakeTheNewestRunningContainerAsCurrentAndStopTheOtherCopies() throws Exception {
        Reconciliation found = Reconciliation.of("host-1", List.of(
                container("old", "running", "v1", 100), container("new", "running", "v2", 200)), r -> Optional.empty());

        Reconciliation.ServiceState shop = found.services().get("shop");
        assertEquals("new", shop.current().containerId());
        assertEquals(List.of("old"), shop.extras().stream().map(Revision::containerId).toList());
        assertEquals(200, found.lastRevision());
    }

    @Test
    void shouldRollBackToTheNewestStoppedContainerOfAnotherVersionCreatedBefore() throws Exception {
        Reconciliation found = Reconciliation.of("host-1", List.of(
                container("v1-old", "exited", "v1", 100),
                container("v1-kept", "exited", "v1", 150),
                container("v2-same", "exited", "v2", 180),
                container("v2-now", "running", "v2", 200),
                container("v3-later", "exited", "v3", 300)), r -> Optional.empty());

        assertEquals("v1-kept", found.services().get("shop").previous().containerId());
    }

    @Test
    void shouldFallBackToTheSpecTheCurrentContainerRecorded() throws Exception {
        Revision recorded = Revision.planned("shop", "v1", SPEC, "dep-1", "cmd-1");

        Reconciliation found = Reconciliation.of("host-1", List.of(
                container("created-only", "created", "v1", 100), container("now", "running", "v2", 200)),
                current -> "now".equals(current.containerId()) ? Optional.of(recorded) : Optional.empty());

        assertEquals(recorded, found.services().get("shop").previous());
    }

    @Test
    void shouldIgnoreContainersWithIncompleteLabels() throws Exception {
        Container unlabelled = JSON.readValue("{\"Id\":\"x\",\"State\":\"running\",\"Labels\":{\"kanary.host\":\"host-1\"}}",
                Container.class);

        Reconciliation found = Reconciliation.of("host-1", List.of(unlabelled), r -> Optional.empty());

        assertEquals(Map.of(), found.services());
        assertNull(found.services().get("shop"));
    }

    private static Container container(String id, String state, String version, long revision) throws Exception {
        Map<String, String> labels = new LinkedHashMap<>(ContainerLabels.of("host-1",
                new Revision(null, "shop", version, SPEC, "dep-" + version, "cmd-" + version, 20000, revision), null));
        Map<String, Object> json = Map.of("Id", id, "State", state, "Labels", labels);
        return JSON.readValue(Json.mapper().writeValueAsString(json), Container.class);
    }
}
