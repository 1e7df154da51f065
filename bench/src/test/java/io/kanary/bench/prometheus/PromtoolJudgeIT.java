package io.kanary.bench.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.bench.scenario.PromRule;
import io.kanary.bench.scenario.PromtoolJudge;
import io.kanary.bench.scenario.ProbeStream;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenarios;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** promtool itself reads the rule and test files the judge writes, and fires the alert where the streams say. */
class PromtoolJudgeIT {
    @Test
    void shouldFireTheTunedRuleOnSuddenThirtyPercentAndNeverOnAHealthyVersion() {
        PromtoolJudge judge = new PromtoolJudge(PrometheusBinaries.require(PrometheusBinaries.PROMTOOL));
        List<ProbeStream> streams = List.of(
                ProbeStreamGenerator.generate(Scenarios.named("sudden-30%").withHorizon(Duration.ofSeconds(90)), 1),
                ProbeStreamGenerator.generate(Scenarios.named("sudden-30%").withHorizon(Duration.ofSeconds(90)), 2),
                ProbeStreamGenerator.generate(Scenarios.named("healthy-20/s").withHorizon(Duration.ofSeconds(90)), 1));

        List<Long> fired = judge.fireTimes(streams, PromRule.TUNED);

        System.out.println("promtool fire times: " + fired);
        assertEquals(Arrays.asList(5_144L, 6_565L, null), fired);
    }
}
