package io.kanary.detector.window;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The window store's buckets, kept in memory as well: every probe of a new version looks back over
 * up to its policy's whole window (minutes of 1 s buckets, on both versions), and reading and
 * decoding those buckets from RocksDB at every probe would cost more than judging them. The store
 * stays the truth (it has the changelog, and a restarted task starts with an empty cache); every
 * write goes through to it, and only this processor writes it, so what is cached is never stale.
 */
final class BucketCache {
    /**
     * Service versions kept in memory (two per deployment being judged: the new version and its
     * baseline, each up to the retention's 600 one-second buckets of a few KB); the least recently
     * judged beyond it are read from the store again when next judged.
     */
    static final int MAX_KEYS = 256;

    private final WindowStore<String, Bucket> store;
    private final long retentionMs;
    private final Map<String, Buckets> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Buckets> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** One key's buckets; every bucket of the store from {@code loadedFromMs} on is in {@code buckets}. */
    private static final class Buckets {
        long loadedFromMs = Long.MAX_VALUE;
        final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    }

    BucketCache(WindowStore<String, Bucket> store, long retentionMs) {
        this.store = store;
        this.retentionMs = retentionMs;
    }

    /** The bucket of {@code key} starting at {@code startMs}, or null. */
    Bucket get(String key, long startMs) {
        Buckets cached = byKey.get(key);
        if (cached != null && startMs >= cached.loadedFromMs) {
            return cached.buckets.get(startMs);
        }
        return store.fetch(key, startMs);
    }

    void put(String key, long startMs, Bucket bucket) {
        store.put(key, bucket, startMs);
        Buckets cached = byKey.get(key);
        if (cached != null) {
            cached.buckets.put(startMs, bucket);
        }
    }

    /** The buckets of {@code key} starting from {@code fromMs} to {@code toMs}, both included, oldest first. */
    WindowStats range(String key, long fromMs, long toMs) {
        if (fromMs > toMs) {
            return WindowStats.empty();
        }
        Buckets cached = byKey.computeIfAbsent(key, k -> new Buckets());
        if (fromMs < cached.loadedFromMs) {
            // Everything from fromMs on: later buckets may be in the store already (probes out of order).
            long loadTo = cached.loadedFromMs == Long.MAX_VALUE ? Long.MAX_VALUE : cached.loadedFromMs - 1;
            try (WindowStoreIterator<Bucket> iterator = store.fetch(key, fromMs, loadTo)) {
                iterator.forEachRemaining(entry -> cached.buckets.putIfAbsent(entry.key, entry.value));
            }
            cached.loadedFromMs = fromMs;
        }
        // What the store no longer keeps, the cache need not either.
        long expired = toMs - retentionMs;
        if (cached.loadedFromMs <= expired) {
            cached.buckets.headMap(expired, true).clear();
            cached.loadedFromMs = expired + 1;
        }
        NavigableMap<Long, Bucket> range = cached.buckets.subMap(fromMs, true, toMs, true);
        return WindowStats.of(range.keySet().stream().toList(), range.values().stream().toList());
    }
}
