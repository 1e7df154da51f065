package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromtoolJudgeTest {

    @Test
    void shouldTakeEachFilesFirstFailingEvaluationAsTheMomentItFired() {
        // promtool 2.42's output for two files: the first fires at 20 s and 25 s, the second never.
        String output = """
                Unit Testing:  /tmp/x/stream-0.yml
                  FAILED:
                    alertname: CanaryErrorRate, time: 25s,\s
                        exp:[],\s
                        got:[]
                    alertname: CanaryErrorRate, time: 20s,\s
                        exp:[],\s
                        got:[]
                Unit Testing:  /tmp/x/stream-1.yml
                  SUCCESS
                """;

        assertEquals(Map.of("/tmp/x/stream-0.yml", 20_000L), PromtoolJudge.parse(output));
    }

    @Test
    void shouldWriteTheSeedsRuleAsATeamWould() {
        assertEquals("rate(kanary_probe_errors_total{version=\"v2\"}[5m]) / rate(kanary_probes_total{version=\"v2\"}[5m]) > 0.05",
                PromRule.SEEDS.expr());
        assertTrue(PromtoolJudge.rulesFile(PromRule.SEEDS).contains("for: 2m"));
        assertEquals("30s", PromRule.promDuration(PromRule.TUNED.range()));
    }
}
