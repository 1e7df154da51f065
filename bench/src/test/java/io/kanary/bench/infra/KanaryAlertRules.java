package io.kanary.bench.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code infra/prometheus/kanary-alerts.yml}, read as YAML: each alert's name and expression. */
final class KanaryAlertRules {
    static final String FILE = "prometheus/kanary-alerts.yml";

    record Rule(String alert, String expr, JsonNode annotations, String severity) {
    }

    private KanaryAlertRules() {
    }

    static List<Rule> load() {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(InfraDir.read(FILE));
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE + " is not YAML: " + e.getMessage(), e);
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new Rule(rule.path("alert").asText(), rule.path("expr").asText(), rule.path("annotations"),
                        rule.path("labels").path("severity").asText()));
            }
        }
        return rules;
    }
}
