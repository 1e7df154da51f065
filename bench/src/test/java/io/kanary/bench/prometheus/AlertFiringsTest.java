package io.kanary.bench.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertFiringsTest {

    @Test
    void shouldTakeEachRunsEarliestFiringEvaluation() {
        // Prometheus 2.42's answer to timestamp(ALERTS{...}) over a range: a value is its evaluation's time;
        // sudden-30%/1 fired at .5 s past, resolved, fired again; healthy-1/s/3 fired once.
        String json = """
                {"status":"success","data":{"resultType":"matrix","result":[
                  {"metric":{"alertname":"CanaryErrorRate","alertstate":"firing","instance":"127.0.0.1:1","job":"kanary-replay",
                             "run":"sudden-30%/1","version":"v2"},
                   "values":[[1780000015,"1780000010.5"],[1780000030,"1780000025.5"],[1780000090,"1780000085.5"]]},
                  {"metric":{"alertname":"CanaryErrorRate","alertstate":"firing","instance":"127.0.0.1:1","job":"kanary-replay",
                             "run":"healthy-1/s/3","version":"v2"},
                   "values":[[1780000045,"1780000040.125"]]}
                ]}}
                """;

        assertEquals(Map.of("sudden-30%/1", Instant.parse("2026-05-28T20:26:50.500Z"),
                        "healthy-1/s/3", Instant.parse("2026-05-28T20:27:20.125Z")),
                AlertFirings.firstFiring(json, "run"));
    }

    @Test
    void shouldFindNoFiringInAnEmptyAnswer() {
        assertEquals(Map.of(), AlertFirings.firstFiring(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", "run"));
    }

    @Test
    void shouldFailOnAnErrorAnswer() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AlertFirings.firstFiring(
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}", "run"));

        assertTrue(e.getMessage().contains("bad_data: parse error"), e.getMessage());
    }

    @Test
    void shouldAskForTheSamplesTimestampsOfFiringAlertsOnly() {
        assertEquals("timestamp(ALERTS{alertname=\"CanaryErrorRate\",alertstate=\"firing\"})",
                AlertFirings.promql("CanaryErrorRate"));
    }

    @Test
    void shouldReadAnInstantQuerysFirstValue() {
        assertEquals(27.0, AlertFirings.firstValue("""
                {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1780000000,"27"]}]}}
                """));
        assertNull(AlertFirings.firstValue("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"));
    }
}
