package io.kanary.executor.driver.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.Json;
import io.kanary.schema.RunSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerLabelsTest {
    private static final RunSpec V1 = new RunSpec("shop:v1", List.of(), Map.of("MODE", "safe"), "/health", 2_000L);
    private static final RunSpec V2 = new RunSpec("shop:v2", List.of(), Map.of(), "/health", 2_000L);

    @Test
    void shouldReadBackTheRevisionItsLabelsDescribe() throws Exception {
        Revision created = new Revision(null, "shop", "v2", V2, "dep-2", "cmd-2", 20004, 1700000000123L);

        Map<String, String> labels = ContainerLabels.of("host-1", created, null);

        assertEquals("host-1", labels.get("kanary.host"));
        assertEquals("20004", labels.get("kanary.port"));
        assertEquals("1700000000123", labels.get("kanary.revision"));
        assertEquals(Optional.of(new Revision("c0ffee", "shop", "v2", V2, "dep-2", "cmd-2", 20004, 1700000000123L)),
                ContainerLabels.read("c0ffee", labels));
    }

    @Test
    void shouldRecordWhatAContainerReplacedSoARollbackOutlivesTheOldContainer() throws Exception {
        Revision replaced = new Revision("old", "shop", "v1", V1, "dep-1", "cmd-1", 20003, 1L);
        Revision created = new Revision(null, "shop", "v2", V2, "dep-2", "cmd-2", 20004, 2L);

        Map<String, String> labels = ContainerLabels.of("host-1", created, replaced);

        assertEquals(Optional.of(Revision.planned("shop", "v1", V1, "dep-1", "cmd-1")),
                ContainerLabels.previous(created, labels));
    }

    @Test
    void shouldReadThePreviousLabelAsEarlierExecutorsWroteIt() throws Exception {
        String written = "{\"version\":\"v1\",\"deploymentId\":\"dep-1\",\"commandId\":\"cmd-1\",\"run\":"
                + Json.mapper().writeValueAsString(V1) + "}";
        Revision current = new Revision("c0ffee", "shop", "v2", V2, "dep-2", "cmd-2", 20004, 2L);

        assertEquals(Optional.of(Revision.planned("shop", "v1", V1, "dep-1", "cmd-1")),
                ContainerLabels.previous(current, Map.of("kanary.previous", written)));
    }

    @Test
    void shouldNotReadARevisionFromIncompleteLabels() {
        assertEquals(Optional.empty(), ContainerLabels.read("c0ffee", Map.of("kanary.service", "shop",
                "kanary.version", "v1")));
        assertEquals(Optional.empty(), ContainerLabels.read("c0ffee", Map.of("kanary.service", "shop",
                "kanary.version", "v1", "kanary.spec", "{not json")));
    }
}
