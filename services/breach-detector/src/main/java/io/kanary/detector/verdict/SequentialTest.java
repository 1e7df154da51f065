package io.kanary.detector.verdict;

import io.kanary.detector.window.EvidenceWindow;
import io.kanary.schema.Breach;
import java.util.Optional;

/** One of the policy's sequential tests: a breach when its evidence in the window concludes at {@code logThreshold}. */
interface SequentialTest {
    Optional<Breach> judge(EvidenceWindow window, double logThreshold);
}
