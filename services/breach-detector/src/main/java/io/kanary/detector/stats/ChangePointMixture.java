package io.kanary.detector.stats;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a sequential test responsive to a change that begins after the deployment did, without
 * giving up its anytime guarantee: the statistic is a weighted sum, over every possible start of
 * the evidence (each bucket since the deployment began), of the test's likelihood ratio computed
 * on the probes from that start on:
 * <pre>  M_t = Σ_j w_j Λ_{j:t},   w_j = 1/((j+1)(j+2)),  Σ_j w_j = 1</pre>
 * where j counts buckets from the deployment's first. This is a mixture over the change point,
 * the idea of the Shiryaev–Roberts procedure with a prior on the change time (Shiryaev 1963;
 * Roberts 1966) and of the "e-detectors" of Shin, Ramdas &amp; Rinaldo (2024, "E-detectors: a
 * nonparametric framework for sequential change detection", NEJSDS), with summable weights so
 * that it controls the probability of any false alarm rather than its average run length.
 *
 * <p><b>The sequence tested, and why the window keeps it valid.</b> The sequence is the new
 * version's probes since the deployment began, in arrival order. Each Λ_{j:t} is a nonnegative
 * supermartingale under the null with value 1 before its start (see {@link BernoulliMsprt}), so
 * M_t, a convex combination of them, is one too, with M_0 = 1; Ville's inequality gives
 * P(sup_t M_t ≥ 1/α) ≤ α over the whole deployment, however long it lasts and however often it
 * is looked at. The detector sums only the starts inside the sliding window (older starts would
 * need buckets no longer read) and skips starts whose evidence is too thin (see
 * {@code minEvidenceSlots}, {@code minProbes}); dropping nonnegative terms only lowers the statistic below M_t, so
 * the bound still holds. Per look the cost is O(buckets in the window × alternatives).
 *
 * <p><b>A blip is one event.</b> A host that is down fails every probe until it is back: a
 * one-second outage is ten failures at ten probes a second, all of one cause. Before a start's
 * term is computed, the longest run of consecutive failures of one host in its evidence counts as
 * a single failed probe (its other failures leave both counts) if it spans less than the
 * tolerance ({@link Runs}). So one short outage decides nothing; a second one, failures spread
 * through the evidence, or a run that goes on (a version that fails every probe) still do. Fewer
 * bad outcomes only lower every term, so this too keeps the bound.
 *
 * <p>The price of not knowing the start is log(1/w_j) nats: about 1.8 for the deployment's
 * second bucket, 4.9 for its tenth, 8.2 a minute in (with 1 s buckets).
 */
public final class ChangePointMixture {
    private ChangePointMixture() {
    }

    /** The test applied to the probes from one start on: its log likelihood ratio, -∞ to skip the start. */
    @FunctionalInterface
    public interface Term {
        double logLikelihoodRatio(long bad, long probes, long baseBad, long baseProbes);
    }

    /**
     * What the scan found.
     *
     * @param logStatistic log M_t, -∞ when no start qualified
     * @param fromSlot     the start whose term weighs most (the evidence the verdict rests on), or -1
     * @param bad          bad outcomes of the new version from that start on
     * @param probes       probes of the new version from that start on
     * @param baseBad      bad outcomes of the baseline from that start on
     * @param baseProbes   probes of the baseline from that start on
     */
    public record Evidence(double logStatistic, int fromSlot, long bad, long probes, long baseBad, long baseProbes) {
        public static final Evidence NONE = new Evidence(Double.NEGATIVE_INFINITY, -1, 0, 0, 0, 0);

        public boolean concludes(double logThreshold) {
            return logStatistic >= logThreshold;
        }
    }

    /**
     * Runs of one host's consecutive failures, per slot: the longest reaching into the slot and how
     * long it had lasted there; {@link #none(int)} when the outcomes tested are not failures.
     *
     * @param toleranceMs a run spanning less than this counts as one failure
     */
    public record Runs(long[] longest, long[] spanMs, long toleranceMs) {
        public static Runs none(int slots) {
            return new Runs(new long[slots], new long[slots], 0);
        }
    }

    /**
     * The instances whose traffic failed a part of its requests, per slot ({@code PartialFailure} in the
     * window package): when at least {@code minInstances} distinct ones did so from a start on, that
     * start's failures are no blip: its longest run counts in full, unless the baseline's instances failed
     * a part of their requests too in those seconds or the one before ({@code baseBySlot}), which is shared
     * trouble whose timing on the two versions' samples need not match. Several instances clearly
     * failing a share of their requests in the same seconds is the version failing, not one instance going
     * dark, and their samples are independent evidence of it; waiting for a run to outlast the tolerance
     * would only wait for the next samples. The bad outcomes must still lie in {@code minEvidenceSlots}
     * buckets (so the baseline's seconds around the change are compared too). {@link #none} when the
     * outcomes are not traffic failures.
     */
    public record Spread(List<? extends Set<String>> bySlot, List<? extends Set<String>> baseBySlot, int minInstances) {
        public static Spread none(int slots) {
            return new Spread(java.util.Collections.nCopies(slots, Set.of()), java.util.Collections.nCopies(slots, Set.of()),
                    Integer.MAX_VALUE);
        }
    }

    /** log w_j for the start j buckets after the deployment's first. */
    public static double logWeight(long j) {
        return -(Math.log(j + 1.0) + Math.log(j + 2.0));
    }

    /**
     * Scans every start slot of a window, newest first, accumulating the counts from each start to
     * the window's end.
     *
     * @param bad              per slot (oldest first), bad outcomes of the new version
     * @param probes           per slot, probes of the new version
     * @param baseBad          per slot, bad outcomes of the baseline (zeros without one)
     * @param baseProbes       per slot, probes of the baseline
     * @param runs             the new version's runs of failures: the longest from a start on counts as
     *                         one bad outcome of that start's evidence, if short enough
     * @param firstChangePoint j of the window's first slot (its bucket's index since the deployment began)
     * @param minEvidenceSlots how many distinct slots from the start on must hold a bad outcome of
     *                         the new version: a burst within fewer slots decides nothing
     * @param minProbes        how many probes of the new version the evidence needs from the start on
     */
    public static Evidence scan(long[] bad, long[] probes, long[] baseBad, long[] baseProbes, Runs runs,
                                long firstChangePoint, int minEvidenceSlots, long minProbes, Term term) {
        return scan(bad, probes, baseBad, baseProbes, runs, Spread.none(bad.length), firstChangePoint, minEvidenceSlots,
                minProbes, term);
    }

    /**
     * As {@link #scan(long[], long[], long[], long[], Runs, long, int, long, Term)}, where a start whose
     * bad outcomes come from {@code spread}'s minimum of partly failing instances needs them in no more
     * buckets than they are in.
     */
    public static Evidence scan(long[] bad, long[] probes, long[] baseBad, long[] baseProbes, Runs runs, Spread spread,
                                long firstChangePoint, int minEvidenceSlots, long minProbes, Term term) {
        Set<String> failingInstances = new HashSet<>();
        boolean baseFailing = false;
        double log = Double.NEGATIVE_INFINITY;
        double best = Double.NEGATIVE_INFINITY;
        Evidence evidence = Evidence.NONE;
        long s = 0;
        long n = 0;
        long bs = 0;
        long bn = 0;
        int badSlots = 0;
        long longestRun = 0;
        long longestRunMs = 0;
        for (int i = bad.length - 1; i >= 0; i--) {
            s += bad[i];
            n += probes[i];
            bs += baseBad[i];
            bn += baseProbes[i];
            badSlots += bad[i] > 0 ? 1 : 0;
            failingInstances.addAll(spread.bySlot().get(i));
            // The baseline's from a second earlier: its samples need not end when the new version's do.
            baseFailing |= !spread.baseBySlot().get(i).isEmpty() || i > 0 && !spread.baseBySlot().get(i - 1).isEmpty();
            if (runs.longest()[i] > longestRun) {
                longestRun = runs.longest()[i];
                longestRunMs = runs.spanMs()[i];
            }
            // Instances failing a share of their requests together: the version, not one instance's blip.
            boolean widespread = failingInstances.size() >= spread.minInstances() && !baseFailing;
            long oneEvent = longestRunMs < runs.toleranceMs() && !widespread // the blip's failures but one
                    ? Math.max(0, Math.min(longestRun, s) - 1) : 0;
            if (badSlots < minEvidenceSlots || n - oneEvent < minProbes || probes[i] == 0) {
                continue; // a start without a probe repeats the next start's evidence
            }
            double weighted = logWeight(firstChangePoint + i)
                    + term.logLikelihoodRatio(s - oneEvent, n - oneEvent, bs, bn);
            log = LogSpace.add(log, weighted);
            if (weighted > best) {
                best = weighted;
                evidence = new Evidence(0, i, s - oneEvent, n - oneEvent, bs, bn);
            }
        }
        return evidence.fromSlot() < 0 ? Evidence.NONE
                : new Evidence(log, evidence.fromSlot(), evidence.bad(), evidence.probes(), evidence.baseBad(),
                        evidence.baseProbes());
    }

    /**
     * Two kinds of outcome of one sequence tested side by side, each with its own term from each start on:
     * {@code probeTerm} over the first kind's counts, {@code requestTerm} over the second's. A start's
     * statistic is Λ_first · (½ + ½ · Λ_second), so a start with none of the second kind weighs exactly what
     * {@link #scan} gives the first kind alone.
     *
     * <p><b>Why the product is still a test martingale.</b> Take the outcomes in arrival order: each is of
     * one kind and moves only that kind's factor. Given the past, Λ_first's step has expectation ≤ 1 under the
     * null (it is an mSPRT, {@link BernoulliMsprt}), and so has Λ_second's; ½ + ½ · Λ_second, the average of
     * the constant 1 and a nonnegative supermartingale that starts at 1, is one too. The other factor is fixed
     * by the past at each step, so the product's step has expectation ≤ 1: a nonnegative supermartingale
     * starting at 1, to which Ville's inequality applies as to one kind alone. Mixing the second factor with
     * "no effect" halves at worst what the first kind shows (log 2 nats), where summing both kinds' counts into
     * one test lets a flood of one kind that cannot show the effect drown the other.
     *
     * <p>The gates ({@code minEvidenceSlots}, {@code minProbes}) count both kinds together, as {@link #scan}
     * does for their sum; the evidence reported is that of both kinds together.
     */
    public static Evidence scanApart(long[] bad, long[] probes, long[] baseBad, long[] baseProbes,
                                     long[] requestBad, long[] requests, long[] baseRequestBad, long[] baseRequests,
                                     long firstChangePoint, int minEvidenceSlots, long minProbes, Term probeTerm,
                                     Term requestTerm) {
        double log = Double.NEGATIVE_INFINITY;
        double best = Double.NEGATIVE_INFINITY;
        Evidence evidence = Evidence.NONE;
        long s = 0;
        long n = 0;
        long bs = 0;
        long bn = 0;
        long rs = 0;
        long rn = 0;
        long rbs = 0;
        long rbn = 0;
        int badSlots = 0;
        double logHalf = -Math.log(2);
        for (int i = bad.length - 1; i >= 0; i--) {
            s += bad[i];
            n += probes[i];
            bs += baseBad[i];
            bn += baseProbes[i];
            rs += requestBad[i];
            rn += requests[i];
            rbs += baseRequestBad[i];
            rbn += baseRequests[i];
            badSlots += bad[i] + requestBad[i] > 0 ? 1 : 0;
            if (badSlots < minEvidenceSlots || n + rn < minProbes || probes[i] + requests[i] == 0) {
                continue; // a start without an outcome repeats the next start's evidence
            }
            double first = probeTerm.logLikelihoodRatio(s, n, bs, bn);
            // Without requests their factor is exactly 1 (their term is 0 there, unless its bound is out of reach).
            double second = rn == 0 ? 0 : LogSpace.add(logHalf, logHalf + requestTerm.logLikelihoodRatio(rs, rn, rbs, rbn));
            double weighted = logWeight(firstChangePoint + i) + first + second;
            log = LogSpace.add(log, weighted);
            if (weighted > best) {
                best = weighted;
                evidence = new Evidence(0, i, s + rs, n + rn, bs + rbs, bn + rbn);
            }
        }
        return evidence.fromSlot() < 0 ? Evidence.NONE
                : new Evidence(log, evidence.fromSlot(), evidence.bad(), evidence.probes(), evidence.baseBad(),
                        evidence.baseProbes());
    }
}
