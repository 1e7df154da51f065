package io.kanary.bench.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert rules and the dashboard ask only for metrics and labels kanary exposes (infra/prometheus/metric-names.txt). */
class MetricNamesTest {
    private final MetricNames names = MetricNames.load();

    @Test
    void shouldUseOnlyListedMetricsAndTheirLabelsInTheAlertRules() {
        List<String> problems = new ArrayList<>();
        for (KanaryAlertRules.Rule rule : KanaryAlertRules.load()) {
            problems.addAll(PromQlUse.problems("alert " + rule.alert(), rule.expr(), names));
        }

        assertEquals(List.of(), problems);
    }

    @Test
    void shouldUseOnlyListedMetricsAndTheirLabelsInTheDashboard() {
        List<String> problems = new ArrayList<>();
        for (GrafanaDashboard.Query query : GrafanaDashboard.load().queries()) {
            problems.addAll(PromQlUse.problems(query.where(), query.expr(), names));
        }

        assertEquals(List.of(), problems);
    }

    @Test
    void shouldExposeTimersWithoutBucketsAndHistogramsWithThem() {
        List<String> exposed = names.exposedNames();

        assertTrue(exposed.containsAll(List.of("kanary_rollback_decision_seconds_bucket", "kanary_rollback_decision_seconds_count",
                "kanary_executor_command_seconds_sum", "kanary_executor_command_seconds_max", "kanary_dlq_records_total")), exposed.toString());
        assertTrue(!exposed.contains("kanary_executor_command_seconds_bucket") && !exposed.contains("kanary_dlq_records_total_total"),
                exposed.toString());
    }

    @Test
    void shouldNameAMetricOutsideTheList() {
        assertEquals(List.of("panel 'x' (A): kanary_deployments_total is not a metric kanary exposes; use one of "
                        + "prometheus/metric-names.txt"),
                PromQlUse.problems("panel 'x' (A)", "sum(rate(kanary_deployments_total[5m]))", names));
    }

    @Test
    void shouldNameALabelTheMetricDoesNotHave() {
        assertEquals(List.of("alert A: kanary_probes_total has no label 'deployment' (it has [instance, job, outcome, "
                        + "service, version]); fix the expression or prometheus/metric-names.txt"),
                PromQlUse.problems("alert A", "sum(rate(kanary_probes_total{deployment=\"d-1\"}[5m]))", names));
    }

    @Test
    void shouldNameAGroupingLabelNoMetricOfTheExpressionHas() {
        assertEquals(List.of("alert A: groups by 'deployment', a label none of [kanary_rollbacks_total] has (they have "
                        + "[cause, instance, job, service, test])"),
                PromQlUse.problems("alert A", "sum by (service, deployment) (increase(kanary_rollbacks_total[15m]))", names));
    }

    @Test
    void shouldAllowLeOnBucketsOnly() {
        assertEquals(List.of(), PromQlUse.problems("p", "histogram_quantile(0.99, sum by (le) "
                + "(rate(kanary_rollback_decision_seconds_bucket[5m])))", names));
        assertEquals(List.of("p: groups by 'le', a label none of [kanary_rollback_decision_seconds_count] has (they have "
                        + "[instance, job])"),
                PromQlUse.problems("p", "sum by (le) (rate(kanary_rollback_decision_seconds_count[5m]))", names));
    }

    @Test
    void shouldRefuseAMalformedLine() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MetricNames.parse("kanary_x_total counter\n"));
        assertEquals("prometheus/metric-names.txt line 1 is not '<name> <type> <labels|->': kanary_x_total counter",
                e.getMessage());
    }
}
