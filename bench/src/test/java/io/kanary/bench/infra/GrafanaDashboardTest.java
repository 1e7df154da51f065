package io.kanary.bench.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** infra/grafana/kanary-dashboard.json imports anywhere and every panel queries something. */
class GrafanaDashboardTest {
    private static final String DATASOURCE = "${DS_PROMETHEUS}";
    private final GrafanaDashboard dashboard = GrafanaDashboard.load();

    @Test
    void shouldBeARecentSchemaWithAPrometheusDatasourceInput() {
        JsonNode root = dashboard.root();

        assertTrue(root.path("schemaVersion").asInt() >= 39, "schemaVersion " + root.path("schemaVersion"));
        JsonNode input = root.path("__inputs").path(0);
        assertEquals("DS_PROMETHEUS", input.path("name").asText());
        assertEquals("datasource", input.path("type").asText());
        assertEquals("prometheus", input.path("pluginId").asText());
        assertEquals("kanary-overview", root.path("uid").asText());
    }

    @Test
    void shouldGiveEveryPanelATargetWithAnExpressionOnTheInputsDatasource() {
        List<String> problems = new ArrayList<>();
        for (JsonNode panel : dashboard.panels()) {
            String title = panel.path("title").asText();
            if (!DATASOURCE.equals(panel.path("datasource").path("uid").asText())) {
                problems.add(title + ": datasource is not " + DATASOURCE);
            }
            if (panel.path("targets").isEmpty()) {
                problems.add(title + ": no target");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                if (target.path("expr").asText().isBlank()) {
                    problems.add(title + ": a target without an expression");
                }
                if (!refIds.add(target.path("refId").asText())) {
                    problems.add(title + ": refId " + target.path("refId").asText() + " twice");
                }
                if (!DATASOURCE.equals(target.path("datasource").path("uid").asText())) {
                    problems.add(title + " " + target.path("refId").asText() + ": datasource is not " + DATASOURCE);
                }
            }
        }

        assertEquals(List.of(), problems);
        assertEquals(30, dashboard.panels().size());
    }

    @Test
    void shouldPlaceEveryPanelOnTheGridWithoutOverlap() {
        List<int[]> placed = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.root().path("panels")) {
            JsonNode pos = panel.path("gridPos");
            int[] box = {pos.path("x").asInt(), pos.path("y").asInt(), pos.path("w").asInt(), pos.path("h").asInt()};
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "panel id " + panel.path("id") + " twice");
            assertTrue(box[2] > 0 && box[3] > 0 && box[0] + box[2] <= 24, title + " lies off the 24-column grid");
            for (int[] other : placed) {
                boolean apart = box[0] + box[2] <= other[0] || other[0] + other[2] <= box[0]
                        || box[1] + box[3] <= other[1] || other[1] + other[3] <= box[1];
                assertTrue(apart, title + " overlaps another panel");
            }
            placed.add(box);
        }
    }

    @Test
    void shouldShowWhatAnOperatorAsksOfKanary() {
        String exprs = String.join("\n", dashboard.queries().stream().map(GrafanaDashboard.Query::expr).toList());

        for (String wanted : List.of("kanary_deployments_started_total", "kanary_deployments_ended_total",
                "sum by (service, test) (increase(kanary_rollbacks_total",
                "histogram_quantile(0.5, sum by (le) (rate(kanary_rollback_decision_seconds_bucket",
                "histogram_quantile(0.99, sum by (le) (rate(kanary_rollback_decision_seconds_bucket",
                "kanary_detector_error_rate", "kanary_detector_p99_seconds", "sum by (outcome) (rate(kanary_probes_total",
                "histogram_quantile(0.99, sum by (le, service) (rate(kanary_probe_duration_seconds_bucket",
                "kanary_dlq_records_total", "kafka_consumer_fetch_manager_records_lag_max",
                "kanary_planner_commands_in_flight", "kanary_executor_commands_in_flight",
                "kanary_host_heartbeat_age_seconds", "jvm_memory_used_bytes{area=\"heap\"}")) {
            assertTrue(exprs.contains(wanted), "no panel shows " + wanted);
        }
    }

    @Test
    void shouldReplaceGrafanasVariablesForPrometheus() {
        GrafanaDashboard.Query query = new GrafanaDashboard.Query("p", "r",
                "sum(increase(kanary_rollbacks_total{service=~\"$service\"}[$__rate_interval])) / ${__range}");

        assertEquals("sum(increase(kanary_rollbacks_total{service=~\".*\"}[1m])) / 1h", query.promql());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new GrafanaDashboard.Query("panel 'x' (A)", "r", "up{job=\"$job\"}").promql());
        assertFalse(e.getMessage().isBlank());
        assertTrue(e.getMessage().startsWith("panel 'x' (A) uses the variable $job, which the dashboard does not define"),
                e.getMessage());
    }
}
