package io.kanary.detector.window;

import io.kanary.schema.TrafficSample;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts each instance's traffic once. An instance's samples cover consecutive intervals, so the end
 * of the last one counted is a watermark: a sample ending at or before it has been counted already
 * (the same sample read twice, from a producer's retry, or an interval published again after a
 * restart, under a new id or not) and is left out. The watermark is per service, version and instance
 * ({@code instanceId}, else {@code hostId}); samples that name neither are counted as they come, as
 * there is no sequence to place them in. Instances without a sample for the retention are forgotten.
 */
final class TrafficWatermarks {
    private final KeyValueStore<String, Long> ends;
    private final long forgetAfterMs;

    TrafficWatermarks(KeyValueStore<String, Long> ends, long forgetAfterMs) {
        this.ends = ends;
        this.forgetAfterMs = forgetAfterMs;
    }

    /** Whether {@code sample} is new; if it is, its end becomes its instance's watermark. */
    boolean admit(TrafficSample sample) {
        String instance = instance(sample);
        if (instance == null) {
            return true;
        }
        String key = sample.service() + '\u0000' + sample.version() + '\u0000' + instance;
        long end = sample.intervalEnd().toEpochMilli();
        Long watermark = ends.get(key);
        if (watermark != null && end <= watermark) {
            return false;
        }
        ends.put(key, end);
        return true;
    }

    /** The instance a sample names: its {@code instanceId}, else its {@code hostId}, else null. */
    static String instance(TrafficSample sample) {
        return sample.instanceId() != null ? sample.instanceId() : sample.hostId();
    }

    /** Forgets the instances whose last sample ended before {@code streamTimeMs} minus the retention. */
    void forgetStale(long streamTimeMs) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = ends.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (entry.value < streamTimeMs - forgetAfterMs) {
                    stale.add(entry.key);
                }
            }
        }
        stale.forEach(ends::delete);
    }
}
