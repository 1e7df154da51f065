package io.kanary.bench.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promtool parses every PromQL expression of the Grafana dashboard (panels, annotations, variables),
 * each wrapped as a recording rule, so a broken expression fails the build rather than a panel.
 */
class DashboardExpressionsIT {
    @Test
    void shouldParseEveryExpressionOfTheDashboard(@TempDir Path dir) throws IOException {
        Promtool promtool = Promtool.require();
        List<GrafanaDashboard.Query> queries = GrafanaDashboard.load().queries();
        Path rules = writeRules(dir, queries);

        Promtool.Result result = promtool.checkRules(rules);

        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("SUCCESS: " + queries.size() + " rules found"), result.output());
        assertEquals(37, queries.size());
    }

    @Test
    void shouldRefuseABrokenExpression(@TempDir Path dir) throws IOException {
        Promtool promtool = Promtool.require();
        Path rules = writeRules(dir, List.of(new GrafanaDashboard.Query("panel 'broken' (A)", "kanary_dashboard:panel_1_a",
                "histogram_quantile(0.99, sum by (le) (rate(kanary_rollback_decision_seconds_bucket[$__rate_interval]))")));

        Promtool.Result result = promtool.checkRules(rules);

        assertFalse(result.succeeded(), result.output());
        assertTrue(result.output().contains("kanary_dashboard:panel_1_a"), result.output());
    }

    private static Path writeRules(Path dir, List<GrafanaDashboard.Query> queries) throws IOException {
        List<Rule> rules = queries.stream().map(q -> new Rule(q.ruleName(), q.promql())).toList();
        Path file = dir.resolve("dashboard-expressions.yml");
        Files.writeString(file, Yaml.write(new RuleFile(List.of(new Group("kanary-dashboard", rules)))));
        return file;
    }

    record RuleFile(List<Group> groups) {
    }

    record Group(String name, List<Rule> rules) {
    }

    record Rule(String record, String expr) {
    }
}
