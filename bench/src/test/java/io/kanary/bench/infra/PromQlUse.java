package io.kanary.bench.infra;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks what a PromQL expression asks of kanary's metrics against {@link MetricNames}: every
 * {@code kanary_*} and {@code kafka_*} series it names must be listed, every label it matches on
 * must be one of that metric's, and every label it groups by must be one the expression's metrics
 * carry. A misspelt name or label returns no data without any error, so only a check like this catches it.
 */
final class PromQlUse {
    /** Labels Prometheus adds to every scraped series. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    /** Metrics outside the contract whose labels this check does not know: grouping over them is not checked. */
    private static final Pattern OTHER_METRICS = Pattern.compile("\\b(up|jvm_\\w+|process_\\w+|system_\\w+)\\b");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern CHECKED_NAME = Pattern.compile("\\b((?:kanary|kafka)_[a-zA-Z0-9_]+)\\b");

    private PromQlUse() {
    }

    /** What is wrong with {@code expr}'s use of kanary's metrics, one sentence each; empty when nothing is. */
    static List<String> problems(String where, String expr, MetricNames names) {
        List<String> problems = new ArrayList<>();
        String text = STRING.matcher(expr).replaceAll("\"\"");
        List<String> grouped = new ArrayList<>();
        Matcher grouping = GROUPING.matcher(text);
        while (grouping.find()) {
            for (String label : grouping.group(2).split(",")) {
                if (!label.isBlank()) {
                    grouped.add(label.strip());
                }
            }
        }
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> available = new HashSet<>(TARGET_LABELS);
        Matcher selector = SELECTOR.matcher(text);
        while (selector.find()) {
            names.exposed(selector.group(1)).ifPresent(exposed -> {
                Matcher matcher = MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    String label = matcher.group(1);
                    if (!labelsOf(exposed).contains(label)) {
                        problems.add(where + ": " + exposed.name() + " has no label '" + label + "' (it has "
                                + sorted(labelsOf(exposed)) + "); fix the expression or " + MetricNames.FILE);
                    }
                }
            });
        }
        String namesOnly = SELECTOR.matcher(text).replaceAll("$1");
        Set<String> used = new LinkedHashSet<>();
        Matcher name = CHECKED_NAME.matcher(namesOnly);
        while (name.find()) {
            used.add(name.group(1));
        }
        for (String series : used) {
            var exposed = names.exposed(series);
            if (exposed.isEmpty()) {
                problems.add(where + ": " + series + " is not a metric kanary exposes; use one of " + MetricNames.FILE);
            } else {
                available.addAll(labelsOf(exposed.get()));
            }
        }
        if (!used.isEmpty() && !OTHER_METRICS.matcher(namesOnly).find()) {
            for (String label : grouped) {
                if (!available.contains(label)) {
                    problems.add(where + ": groups by '" + label + "', a label none of " + used + " has (they have "
                            + sorted(available) + ")");
                }
            }
        }
        return problems;
    }

    private static Set<String> labelsOf(MetricNames.Exposed exposed) {
        Set<String> labels = new HashSet<>(exposed.metric().labels());
        labels.addAll(TARGET_LABELS);
        if (exposed.isBucket()) {
            labels.add("le");
        }
        return labels;
    }

    private static List<String> sorted(Set<String> labels) {
        return labels.stream().sorted().toList();
    }
}
