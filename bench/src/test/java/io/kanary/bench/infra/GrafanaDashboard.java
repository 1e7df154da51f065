package io.kanary.bench.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code infra/grafana/kanary-dashboard.json}, read with Jackson: its panels and every PromQL expression in it. */
final class GrafanaDashboard {
    static final String FILE = "grafana/kanary-dashboard.json";
    /**
     * What Grafana puts in place of its variables before it queries: enough for promtool to parse the
     * expression ({@code $service} is a regex of service names; "All" is {@code .*}).
     */
    private static final Map<String, String> VARIABLES = Map.of(
            "__rate_interval", "1m", "__interval", "1m", "__range", "1h", "service", ".*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    /** One query: where it is (for messages and rule names) and its expression as written. */
    record Query(String where, String ruleName, String expr) {
        /** The expression as Prometheus receives it, Grafana's variables replaced. */
        String promql() {
            Matcher m = VARIABLE.matcher(expr);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = VARIABLES.get(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(where + " uses the variable $" + m.group(1)
                            + ", which the dashboard does not define; use one of " + VARIABLES.keySet());
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            return m.appendTail(out).toString();
        }
    }

    private final JsonNode root;

    private GrafanaDashboard(JsonNode root) {
        this.root = root;
    }

    static GrafanaDashboard load() {
        return parse(InfraDir.read(FILE));
    }

    static GrafanaDashboard parse(String json) {
        try {
            return new GrafanaDashboard(new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE + " is not JSON: " + e.getMessage(), e);
        }
    }

    JsonNode root() {
        return root;
    }

    /** Every panel that shows data: rows left out, a collapsed row's own panels included. */
    List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(out::add);
            } else {
                out.add(panel);
            }
        }
        return out;
    }

    /** Every PromQL expression: the panels' targets, the annotations' and the variables' queries. */
    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String refId = target.path("refId").asText();
                out.add(new Query("panel '" + panel.path("title").asText() + "' (" + refId + ")",
                        "kanary_dashboard:panel_" + panel.path("id").asInt() + "_" + refId.toLowerCase(java.util.Locale.ROOT),
                        target.path("expr").asText()));
            }
        }
        int n = 0;
        for (JsonNode annotation : root.path("annotations").path("list")) {
            n++;
            if (annotation.hasNonNull("expr")) {
                out.add(new Query("annotation '" + annotation.path("name").asText() + "'", "kanary_dashboard:annotation_" + n,
                        annotation.path("expr").asText()));
            }
        }
        for (JsonNode variable : root.path("templating").path("list")) {
            String query = variable.path("query").path("query").asText(variable.path("query").asText());
            Matcher labelValues = Pattern.compile("^label_values\\((.+),\\s*\\w+\\)$").matcher(query.strip());
            if (labelValues.matches()) {
                out.add(new Query("variable '" + variable.path("name").asText() + "'",
                        "kanary_dashboard:variable_" + variable.path("name").asText(), labelValues.group(1)));
            }
        }
        return out;
    }
}
