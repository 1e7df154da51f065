package io.kanary.bench.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.metrics.ProcessMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM and process metrics the dashboard and the rules use are ones a kanary process exposes:
 * checked against a real {@link ProcessMetrics} scrape rather than a list, since Micrometer names them.
 */
class JvmMetricNamesTest {
    private static final Pattern JVM_NAME = Pattern.compile("\\b((?:jvm|process|system)_[a-z0-9_]+)\\b");

    @Test
    void shouldFindEveryJvmAndProcessMetricOfTheDashboardInAKanaryProcesssScrape() {
        Set<String> used = new TreeSet<>();
        for (GrafanaDashboard.Query query : GrafanaDashboard.load().queries()) {
            collect(query.expr(), used);
        }
        for (KanaryAlertRules.Rule rule : KanaryAlertRules.load()) {
            collect(rule.expr(), used);
        }
        assertEquals(Set.of("jvm_gc_pause_seconds_sum", "jvm_memory_max_bytes", "jvm_memory_used_bytes",
                "jvm_threads_live_threads", "process_cpu_usage"), used);

        try (ProcessMetrics metrics = ProcessMetrics.start()) {
            // GC pauses are timed from the JVM's GC notifications: ask for a collection until one is seen.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                System.gc();
                return exposed(metrics.scrape()).containsAll(used);
            });
            assertEquals(List.of(), used.stream().filter(name -> !exposed(metrics.scrape()).contains(name)).toList());
        }
    }

    private static void collect(String expr, Set<String> into) {
        Matcher m = JVM_NAME.matcher(expr);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    private static Set<String> exposed(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }
}
