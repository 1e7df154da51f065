package io.kanary.detector.verdict;

import io.kanary.detector.window.Observation;
import io.kanary.schema.Breach;

/** What an observation was judged to be: a breach, or (breach null) nothing to act on yet. */
public record Verdict(Observation observation, Breach breach) {

    public boolean isBreach() {
        return breach != null;
    }
}
