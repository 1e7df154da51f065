package io.kanary.bench.scenario;

/**
 * How one version serves over time, as seen by its probes. Times are milliseconds since the
 * scenario's onset (negative before it).
 */
public interface Behaviour {
    /** The chance that one probe of an up host fails with HTTP 500. */
    double errorRate(long sinceOnsetMs);

    /** What every latency is multiplied by (the whole distribution, so its p99 too). */
    default double latencyFactor(long sinceOnsetMs) {
        return 1;
    }

    /**
     * What the spread of the latencies (the log-normal's σ) is multiplied by: below 1, the answers are
     * more alike, so the median can move far while the p99 moves less.
     */
    default double latencySpread(long sinceOnsetMs) {
        return 1;
    }

    /** Whether the host is down (connection refused, status 0) at that moment. */
    default boolean down(long sinceOnsetMs) {
        return false;
    }

    /** Serves at {@code rate} errors throughout. */
    static Behaviour steady(double rate) {
        return since -> rate;
    }

    /** {@code before} until the onset, {@code after} from then on. */
    static Behaviour step(double before, double after) {
        return since -> since < 0 ? before : after;
    }

    /** {@code from} until the onset, then rising linearly to {@code to} over {@code rampMs}, then holding. */
    static Behaviour ramp(double from, double to, long rampMs) {
        return since -> since < 0 ? from : from + (to - from) * Math.min(1.0, (double) since / rampMs);
    }

    /** {@code errors} throughout; latencies multiplied by {@code factor} from the onset on. */
    static Behaviour slower(double errors, double factor) {
        return new Behaviour() {
            @Override
            public double errorRate(long since) {
                return errors;
            }

            @Override
            public double latencyFactor(long since) {
                return since < 0 ? 1 : factor;
            }
        };
    }

    /**
     * {@code errors} throughout; from the onset on, the median latency times {@code factor} with the
     * spread times {@code spread}: a version slower in the middle of its distribution than in its tail.
     */
    static Behaviour slowerMedian(double errors, double factor, double spread) {
        return new Behaviour() {
            @Override
            public double errorRate(long since) {
                return errors;
            }

            @Override
            public double latencyFactor(long since) {
                return since < 0 ? 1 : factor;
            }

            @Override
            public double latencySpread(long since) {
                return since < 0 ? 1 : spread;
            }
        };
    }

    /** {@code errors} throughout; latencies times {@code factor} for the first {@code coldMs} from the onset (a cold start). */
    static Behaviour coldStart(double errors, double factor, long coldMs) {
        return new Behaviour() {
            @Override
            public double errorRate(long since) {
                return errors;
            }

            @Override
            public double latencyFactor(long since) {
                return since >= 0 && since < coldMs ? factor : 1;
            }
        };
    }

    /** {@code errors} throughout; from the onset on, down for {@code downMs} of every {@code periodMs}. */
    static Behaviour flapping(double errors, long downMs, long periodMs) {
        return outage(errors, since -> since >= 0 && Math.floorMod(since, periodMs) >= periodMs - downMs);
    }

    /** {@code errors} throughout; down for {@code downMs} from the onset. */
    static Behaviour blip(double errors, long downMs) {
        return outage(errors, since -> since >= 0 && since < downMs);
    }

    private static Behaviour outage(double errors, java.util.function.LongPredicate isDown) {
        return new Behaviour() {
            @Override
            public double errorRate(long since) {
                return errors;
            }

            @Override
            public boolean down(long since) {
                return isDown.test(since);
            }
        };
    }
}
