package io.kanary.bench.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * prometheus.yml scrapes where kanary serves /metrics: the planner's port for {@code kanary up}, and in
 * split mode the very ports the systemd units and the compose file give each service.
 */
class ScrapeConfigTest {
    private static final List<String> SERVICES = List.of("planner", "executor", "health-watcher", "breach-detector");
    private static final Pattern UNIT_PORT = Pattern.compile("(?m)^Environment=KANARY_METRICS_PORT=(\\d+)$");

    @Test
    void shouldScrapeThePlannersPortInEmbeddedModeAndEvaluateTheRules() {
        Map<String, Object> config = yaml(InfraDir.read("prometheus/prometheus.yml"));

        assertEquals(List.of("kanary-alerts.yml"), config.get("rule_files"));
        assertEquals(Map.of("kanary", List.of("127.0.0.1:8080")), targetsByJob(config));
    }

    @Test
    void shouldScrapeEachServiceOnThePortItsUnitAndComposeServiceGiveIt() {
        Map<String, Object> split = yaml(SplitModeConfig.of(InfraDir.read("prometheus/prometheus.yml")));
        Map<String, Object> compose = yaml(InfraDir.read("compose/compose.yaml"));

        Map<String, List<String>> scraped = targetsByJob(split);
        Map<String, List<String>> units = new LinkedHashMap<>();
        Map<String, List<String>> composed = new LinkedHashMap<>();
        for (String service : SERVICES) {
            String unit = InfraDir.read("systemd/kanary-" + service + (service.equals("executor") ? "@" : "") + ".service");
            Matcher port = UNIT_PORT.matcher(unit);
            units.put("kanary-" + service, List.of("127.0.0.1:" + (port.find() ? port.group(1) : "none")));
            Map<?, ?> env = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) compose.get("services")).get(service)).get("environment");
            composed.put("kanary-" + service, List.of("127.0.0.1:" + env.get("KANARY_METRICS_PORT")));
        }

        assertEquals(Map.of("kanary-planner", List.of("127.0.0.1:9464"), "kanary-executor", List.of("127.0.0.1:9465"),
                "kanary-health-watcher", List.of("127.0.0.1:9466"), "kanary-breach-detector", List.of("127.0.0.1:9467")), scraped);
        assertEquals(scraped, units);
        assertEquals(scraped, composed);
        assertEquals(List.of("kanary-alerts.yml"), split.get("rule_files"));
    }

    /** SnakeYAML rather than Jackson: the compose file's anchors and merge keys need resolving. */
    private static Map<String, Object> yaml(String text) {
        return new org.yaml.snakeyaml.Yaml().load(text);
    }

    private static Map<String, List<String>> targetsByJob(Map<String, Object> config) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Map<?, ?> j = (Map<?, ?>) job;
            List<String> targets = ((List<?>) j.get("static_configs")).stream()
                    .flatMap(sc -> ((List<?>) ((Map<?, ?>) sc).get("targets")).stream()).map(String::valueOf).toList();
            out.put(String.valueOf(j.get("job_name")), targets);
        }
        return out;
    }
}
