package io.kanary.bench.watcher;

import java.util.Map;

/**
 * What one run measured over its window.
 *
 * @param askedPerSecond   probes asked for: instances × (1000 / interval)
 * @param loops            the watcher's probe loops
 * @param sentPerSecond    probes sent and answered or failed (not skipped), per second
 * @param okPct            of every probe published in the window (ok, failed or skipped)
 * @param sendDelayP50Ms   the watcher's own delay, from a probe falling due to its request being written
 *                         (its histogram's bucket bound: "at most")
 * @param latencyP50Ms     latency as the probes report it (ms, from the request written to the answer read)
 * @param serverP50Us      the instances' own handling time (µs, request read to response written)
 * @param cpuSecondsPer1k  the watcher JVM's CPU time per 1,000 probes sent
 * @param cpuCores         the watcher JVM's CPU time over the window's length: the cores it kept busy
 * @param failures         failed probes by error: a healthy fleet should have none
 * @param skipReasons      skipped probes by the reason they carried
 */
record RunFigures(int askedPerSecond, int loops, double sentPerSecond, double okPct, double skippedPct,
                  double failedPct, double sendDelayP50Ms, double sendDelayP99Ms, double latencyP50Ms,
                  double latencyP99Ms, double serverP50Us, double serverP99Us, double cpuSecondsPer1k, double cpuCores,
                  Map<String, Long> failures, Map<String, Long> skipReasons) {
}
