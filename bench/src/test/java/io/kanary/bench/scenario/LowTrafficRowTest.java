package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short form of the low-traffic row: a few whole rollouts of a 5% error regression at 1 probe a
 * second through the real breach-detector topology; none passes every batch.
 */
class LowTrafficRowTest {
    private static final int RUNS = 4;

    @Test
    void shouldEndEveryRunRolledBackOrStoppedAtAnInconclusiveStepNeverPassed() {
        LowTrafficRow.Result result = LowTrafficRow.run(RUNS);

        System.out.println(result.row());
        result.runs().forEach(r -> System.out.println("  " + r));
        assertEquals(0, result.count(LowTrafficRow.End.PASSED), result.row());
        assertEquals(0, result.count(LowTrafficRow.End.UNDECIDED), result.row());
        assertEquals(RUNS, result.count(LowTrafficRow.End.ROLLED_BACK) + result.count(LowTrafficRow.End.STOPPED_INCONCLUSIVE));
    }

    /**
     * The same rig passes a version as healthy as its baseline through every batch once it has the
     * probes to prove it (about 190 under the default policy, so 2 a second within the 120 s wait): the
     * row tells the two apart rather than stopping everything.
     */
    @Test
    void shouldPassAHealthyVersionThroughEveryBatchOnTheSameRigWithTwoProbesASecond() {
        LowTrafficRow.Result result = LowTrafficRow.run(1, 0.0, 2);

        assertEquals(List.of(LowTrafficRow.End.PASSED), result.runs().stream().map(LowTrafficRow.Run::end).toList(),
                result.runs().toString());
        assertEquals(4, result.runs().get(0).batchesDone());
    }
}
