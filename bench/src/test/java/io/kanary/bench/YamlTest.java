package io.kanary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTest {
    record Example(String jobName, String count, List<String> targets, List<Object> none) {
    }

    @Test
    void shouldWriteSnakeCaseKeysIndentedListsAndQuoteOnlyWhereYamlNeedsIt() {
        assertEquals("""
                job_name: kanary-replay
                count: "12"
                targets:
                  - 127.0.0.1:9
                  - "up{job='x'} > 0"
                none: []
                """, Yaml.write(new Example("kanary-replay", "12", List.of("127.0.0.1:9", "up{job='x'} > 0"), List.of())));
    }

    @Test
    void shouldWriteTheAlertRuleFileThatPrometheusReads() {
        assertEquals("""
                groups:
                  - name: canary
                    interval: 5s
                    rules:
                      - alert: A
                        expr: "rate(x{v=\\"2\\"}[30s]) > 0.05"
                        for: 0s
                """, AlertRuleFile.of("A", "rate(x{v=\"2\"}[30s]) > 0.05", "5s", "0s").yaml());
    }
}
