package io.kanary.detector.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link Bucket} as bytes, for the window store and its changelog: a format byte, the counts, the
 * first failure time (-1: none), the longest failure run and its span (format 2 on; format 1 reads
 * as a run of 1 when the bucket had a failure), the traffic's requests, errors, untimed requests and
 * histogram ranges (format 3 on; earlier formats read as no traffic), the instances that failed part of
 * their requests (format 4 on; earlier formats read as none), the latency peaks, then the
 * sketch in DDSketch's own encoding
 * ({@code encode}/{@code decode}, which carries the index mapping; {@code serialize()} writes the
 * protobuf form, which {@code decode} cannot read).
 */
public final class BucketSerde implements Serde<Bucket>, Serializer<Bucket>, Deserializer<Bucket> {
    private static final byte FORMAT = 4;
    private static final byte FORMAT_WITHOUT_PARTIAL_FAILURES = 3;
    private static final byte FORMAT_WITHOUT_TRAFFIC = 2;
    private static final byte FORMAT_WITHOUT_RUNS = 1;
    private static final long NO_FAILURE = -1;

    @Override
    public byte[] serialize(String topic, Bucket bucket) {
        if (bucket == null) {
            return null;
        }
        GrowingByteArrayOutput sketch = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            bucket.latencies().encode(sketch, false);
        } catch (IOException e) {
            throw new SerializationException("Cannot encode a latency sketch: " + e.getMessage(), e);
        }
        List<LatencyPeaks.Peak> peaks = bucket.peaks().peaks();
        TrafficLatencies traffic = bucket.trafficLatencies();
        List<byte[]> partlyFailing = bucket.partlyFailingInstances().stream()
                .map(instance -> instance.getBytes(StandardCharsets.UTF_8)).toList();
        ByteBuffer buffer = ByteBuffer.allocate(1 + 8 * Long.BYTES + 3 * Integer.BYTES
                + partlyFailing.stream().mapToInt(name -> Integer.BYTES + name.length).sum()
                + traffic.counts().size() * 3 * Long.BYTES + peaks.size() * 2 * Long.BYTES + sketch.numWrittenBytes());
        buffer.put(FORMAT).putLong(bucket.probes()).putLong(bucket.failures())
                .putLong(bucket.firstFailureAtMs().orElse(NO_FAILURE)).putLong(bucket.longestFailureRun()).putLong(bucket.longestFailureRunMs())
                .putLong(bucket.requests()).putLong(bucket.requestErrors()).putLong(traffic.untimed())
                .putInt(traffic.counts().size());
        traffic.counts().forEach((range, count) -> buffer.putDouble(range.lowMs()).putDouble(range.highMs()).putLong(count));
        buffer.putInt(partlyFailing.size());
        partlyFailing.forEach(name -> buffer.putInt(name.length).put(name));
        buffer.putInt(peaks.size());
        peaks.forEach(peak -> buffer.putLong(peak.atMs()).putLong(peak.latencyMs()));
        buffer.put(sketch.backingArray(), 0, sketch.numWrittenBytes());
        return buffer.array();
    }

    @Override
    public Bucket deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte format = buffer.get();
            if (format != FORMAT && format != FORMAT_WITHOUT_PARTIAL_FAILURES && format != FORMAT_WITHOUT_TRAFFIC
                    && format != FORMAT_WITHOUT_RUNS) {
                throw new SerializationException("Unknown bucket format " + format);
            }
            long probes = buffer.getLong();
            long failures = buffer.getLong();
            long firstFailure = buffer.getLong();
            long longestRun = format >= FORMAT_WITHOUT_TRAFFIC ? buffer.getLong() : Math.min(1, failures);
            long longestRunMs = format >= FORMAT_WITHOUT_TRAFFIC ? buffer.getLong() : 0;
            long requests = 0;
            long requestErrors = 0;
            TrafficLatencies traffic = new TrafficLatencies();
            if (format >= FORMAT_WITHOUT_PARTIAL_FAILURES) {
                requests = buffer.getLong();
                requestErrors = buffer.getLong();
                long untimed = buffer.getLong();
                int rangeCount = buffer.getInt();
                Map<TrafficLatencies.Range, Long> ranges = new TreeMap<>(TrafficLatencies.Range.ORDER);
                for (int i = 0; i < rangeCount; i++) {
                    ranges.put(new TrafficLatencies.Range(buffer.getDouble(), buffer.getDouble()), buffer.getLong());
                }
                traffic = new TrafficLatencies(ranges, untimed);
            }
            Set<String> partlyFailing = new TreeSet<>();
            if (format >= FORMAT) {
                int instances = buffer.getInt();
                for (int i = 0; i < instances; i++) {
                    byte[] name = new byte[buffer.getInt()];
                    buffer.get(name);
                    partlyFailing.add(new String(name, StandardCharsets.UTF_8));
                }
            }
            int peakCount = buffer.getInt();
            List<LatencyPeaks.Peak> peaks = new ArrayList<>(peakCount);
            for (int i = 0; i < peakCount; i++) {
                peaks.add(new LatencyPeaks.Peak(buffer.getLong(), buffer.getLong()));
            }
            DDSketch sketch = DDSketch.decode(ByteArrayInput.wrap(bytes, buffer.position(), buffer.remaining()),
                    UnboundedSizeDenseStore::new);
            return new Bucket(probes, failures, requests, requestErrors, traffic,
                    firstFailure == NO_FAILURE ? OptionalLong.empty() : OptionalLong.of(firstFailure), longestRun, longestRunMs, sketch,
                    new LatencyPeaks(peaks), partlyFailing);
        } catch (IOException | BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new SerializationException("Not a probe bucket: " + e, e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the format carries the sketch's own settings.
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    @Override
    public Serializer<Bucket> serializer() {
        return this;
    }

    @Override
    public Deserializer<Bucket> deserializer() {
        return this;
    }
}
