package io.kanary.detector.window;

import io.kanary.schema.TrafficSample;

/**
 * Tells a version failing a share of its requests from an instance going dark. An instance that is
 * down, hung or restarting fails all or nearly all of its requests (or answers none: then it has no
 * sample); that is an outage, which the policy tolerates for {@code outageToleranceMs}. A sample that
 * fails more than the policy's error limit but still serves most of its requests well is no outage
 * of its instance: the instance is up, and its version fails some of what it is asked. When two or more
 * instances do so in the same seconds (and the baseline's do not) the failures are the version's, not
 * one instance's blip, and they count in full at once ({@link io.kanary.detector.stats.ChangePointMixture.Spread}).
 *
 * <p>The first sample of an outage may fail only a part of its requests (the outage began late in its
 * interval), so one instance's partial sample alone is still taken as a possible outage, as before.
 * And "over the limit" must be clear, not a few unlucky requests: a sample counts as failing a part of
 * its requests only when its errors are over the limit beyond chance, so that an instance going dark
 * while another one happens to have a bad second is still one instance's outage.
 */
final class PartialFailure {
    /**
     * A sample failing at least this share of its requests is its instance going dark. Set well above any
     * error limit a policy would set and below 100%, so a dark instance's odd good answer (a cached page, a
     * health check) does not make its outage read as a partial error rate.
     */
    static final double DARK_SHARE = 0.9;
    /**
     * How unlikely the sample's errors must be at the policy's error limit, in nats of the Chernoff bound
     * P(X ≥ k) ≤ exp(−n·KL(k/n ‖ p)): log 10. At 100 requests and a 5% limit that is 11 errors or more, which an
     * instance failing at the limit has in about one sample of a hundred, one at 1% in none of a million; and
     * a 30% error rate shows in a sample whose interval it filled a third of.
     */
    static final double CLEARLY_OVER_NATS = Math.log(10);

    private PartialFailure() {
    }

    /**
     * Whether {@code sample} fails clearly more than {@code maxErrorRate} of its requests, and less than
     * {@link #DARK_SHARE}.
     */
    static boolean of(TrafficSample sample, double maxErrorRate) {
        long requests = sample.requests();
        if (requests == 0 || sample.errors() >= DARK_SHARE * requests) {
            return false;
        }
        double share = (double) sample.errors() / requests;
        return share > maxErrorRate && requests * divergence(share, maxErrorRate) >= CLEARLY_OVER_NATS;
    }

    /** KL(q ‖ p) of two Bernoulli rates, for 0 &lt; p &lt; 1. */
    private static double divergence(double q, double p) {
        double bad = q == 0 ? 0 : q * Math.log(q / p);
        double good = q == 1 ? 0 : (1 - q) * Math.log((1 - q) / (1 - p));
        return bad + good;
    }
}
