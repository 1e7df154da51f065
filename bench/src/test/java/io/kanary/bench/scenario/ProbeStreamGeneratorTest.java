package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeStreamGeneratorTest {

    @Test
    void shouldGenerateTheSameStreamForTheSameSeed() {
        Scenario scenario = Scenarios.named("sudden-30%");

        assertEquals(ProbeStreamGenerator.generate(scenario, 7).probes(), ProbeStreamGenerator.generate(scenario, 7).probes());
        assertNotEquals(ProbeStreamGenerator.generate(scenario, 7).probes(), ProbeStreamGenerator.generate(scenario, 8).probes());
    }

    @Test
    void shouldFailTheNewVersionAtTheScenariosRateAfterTheOnsetOnly() {
        ProbeStream stream = ProbeStreamGenerator.generate(Scenarios.named("sudden-30%"), 1);
        List<ProbeResult> candidate = stream.of(ProbeStreamGenerator.CANDIDATE);

        // 5 min at 10 probes/s: 3,000 probes, so the observed rate is within ~3 standard errors (0.025) of 30%.
        assertEquals(0.30, errorRate(candidate.stream().filter(p -> !p.probedAt().isBefore(stream.onset())).toList()), 0.03);
        assertEquals(0.01, errorRate(stream.of(ProbeStreamGenerator.BASELINE)), 0.005);
        assertTrue(errorRate(candidate.stream().filter(p -> p.probedAt().isBefore(stream.onset())).toList()) < 0.05);
    }

    @Test
    void shouldProbeEachVersionAtTheScenariosRateInProbeTimeOrder() {
        Scenario scenario = Scenarios.named("healthy-20/s").withHorizon(Duration.ofSeconds(60));
        ProbeStream stream = ProbeStreamGenerator.generate(scenario, 3);
        double seconds = Duration.between(stream.started().at(), stream.end()).toMillis() / 1000.0;

        assertEquals(20 * seconds, stream.of(ProbeStreamGenerator.CANDIDATE).size(), 2);
        assertEquals(20 * seconds, stream.of(ProbeStreamGenerator.BASELINE).size(), 5);
        assertEquals(stream.probes().stream().sorted(Comparator.comparing(ProbeResult::probedAt)).toList(), stream.probes());
    }

    @Test
    void shouldSlowTheMedianFiveTimesWithTheP99UnderBothP99Bounds() {
        ProbeStream stream = ProbeStreamGenerator.generate(Scenarios.named("median-x5"), 1);
        List<Long> afterOnset = latencies(stream.of(ProbeStreamGenerator.CANDIDATE).stream()
                .filter(p -> p.ok() && !p.probedAt().isBefore(stream.onset())).toList());

        assertEquals(400, quantile(afterOnset, 0.50), 400 * 0.03);
        assertEquals(475, quantile(afterOnset, 0.99), 475 * 0.05);
        assertEquals(80, quantile(latencies(stream.of(ProbeStreamGenerator.BASELINE).stream().filter(ProbeResult::ok)
                .toList()), 0.50), 80 * 0.03);
    }

    @Test
    void shouldAnswerTenTimesSlowerForTheColdStartsFirstThreeSecondsOnly() {
        ProbeStream stream = ProbeStreamGenerator.generate(Scenarios.named("cold-start"), 1);
        List<ProbeResult> candidate = stream.of(ProbeStreamGenerator.CANDIDATE).stream().filter(ProbeResult::ok).toList();
        java.time.Instant warm = stream.onset().plusSeconds(3);

        assertEquals(stream.started().at(), stream.onset(), "cold from the instance's first probe");
        assertEquals(800, quantile(latencies(candidate.stream().filter(p -> p.probedAt().isBefore(warm)).toList()), 0.5),
                800 * 0.25, "30 probes' median");
        assertEquals(80, quantile(latencies(candidate.stream().filter(p -> !p.probedAt().isBefore(warm)).toList()), 0.5),
                80 * 0.05);
    }

    private static List<Long> latencies(List<ProbeResult> probes) {
        return probes.stream().map(ProbeResult::latencyMs).sorted().toList();
    }

    private static double quantile(List<Long> sorted, double q) {
        return sorted.get((int) Math.ceil(q * sorted.size()) - 1);
    }

    @Test
    void shouldTakeTheFlappingHostDownForHalfOfEveryPeriod() {
        ProbeStream stream = ProbeStreamGenerator.generate(Scenarios.named("flapping-host"), 2);
        List<ProbeResult> afterOnset = stream.of(ProbeStreamGenerator.CANDIDATE).stream()
                .filter(p -> !p.probedAt().isBefore(stream.onset())).toList();

        long refused = afterOnset.stream().filter(p -> p.statusCode() == 0).count();
        assertEquals(0.5, (double) refused / afterOnset.size(), 0.02);
    }

    @Test
    void shouldProbeTheBaselineBeforeTheDeploymentAndTheNewVersionFromItsStart() {
        ProbeStream stream = ProbeStreamGenerator.generate(Scenarios.named("sudden-30%-from-start"), 4);
        java.time.Instant deployed = ProbeStreamGenerator.T0.plus(Duration.ofMinutes(5));

        assertEquals(deployed, stream.started().at());
        assertEquals(deployed, stream.onset(), "bad from its first probe");
        assertTrue(stream.of(ProbeStreamGenerator.CANDIDATE).stream().noneMatch(p -> p.probedAt().isBefore(deployed)));
        long before = stream.of(ProbeStreamGenerator.BASELINE).stream().filter(p -> p.probedAt().isBefore(deployed)).count();
        assertEquals(10 * 300, before, 5, "5 min of the baseline at 10 probes/s");
        assertEquals(0.30, errorRate(stream.of(ProbeStreamGenerator.CANDIDATE)), 0.03);
    }

    private static double errorRate(List<ProbeResult> probes) {
        return (double) probes.stream().filter(p -> !p.ok()).count() / probes.size();
    }
}
