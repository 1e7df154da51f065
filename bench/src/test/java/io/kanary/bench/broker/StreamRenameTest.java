package io.kanary.bench.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.bench.scenario.ProbeStream;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenarios;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StreamRenameTest {

    @Test
    void shouldMoveTheStreamToItsOwnServiceAndKeepEverythingElse() {
        ProbeStream generated = ProbeStreamGenerator.generate(Scenarios.named("sudden-30%").withHorizon(Duration.ofSeconds(5)), 3);
        String service = StreamRename.serviceFor("sudden-30%", 3);
        ProbeStream renamed = StreamRename.to(generated, service);

        assertEquals("chk-sudden-30-3", service);
        assertEquals(List.of(service, "d-" + service), List.of(renamed.started().service(), renamed.started().deploymentId()));
        assertEquals(Set.of(service), renamed.probes().stream().map(ProbeResult::service).collect(Collectors.toSet()));
        assertEquals(generated.probes().stream().map(StreamRenameTest::withoutNames).toList(),
                renamed.probes().stream().map(StreamRenameTest::withoutNames).toList());
        assertEquals(List.of(generated.started().version(), generated.started().baselineVersion(),
                        generated.started().policy(), generated.started().at()),
                List.of(renamed.started().version(), renamed.started().baselineVersion(), renamed.started().policy(),
                        renamed.started().at()));
        assertEquals(renamed.probes().size(), renamed.probes().stream().map(ProbeResult::eventId).distinct().count());
        assertEquals(service + "-" + generated.probes().get(0).eventId(), renamed.probes().get(0).eventId());
    }

    private static ProbeResult withoutNames(ProbeResult p) {
        return new ProbeResult(null, p.schemaVersion(), "-", p.version(), p.hostId(), p.instanceId(), p.ok(),
                p.statusCode(), p.latencyMs(), p.probedAt(), p.error());
    }
}
