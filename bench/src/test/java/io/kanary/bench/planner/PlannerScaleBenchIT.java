package io.kanary.bench.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The short form of the planner bench: every figure is measured and the run covers what it claims. */
class PlannerScaleBenchIT {

    @Test
    void shouldMeasureEveryFigureOnASmallHistory() {
        PlannerScaleOptions options = new PlannerScaleOptions(30, 3_000, 300, 2, 30, 2);

        PlannerScaleBench.Report report = PlannerScaleBench.run(options);

        assertEquals(3_000, report.deploymentEvents() + report.hostEvents(), "the history asked for");
        assertEquals(30, report.listed(), "walking the pages lists every deployment once");
        assertEquals(1, report.pages());
        assertTrue(report.summariesSent() * 5 < report.probesSent(),
                "the planner's input is a fraction of the probes: " + report.summariesSent() + " of " + report.probesSent());
        assertEquals(3, report.startFromZero().runs());
        assertEquals(3, report.startFromSnapshots().runs());
        assertTrue(report.page50Bytes() > report.page500Bytes() / 2, "30 deployments fit in one page of either size");
        String printed = PlannerScaleBench.render(report);
        assertTrue(printed.contains("start-up, replay from 0 | from snapshots"), printed);
    }
}
