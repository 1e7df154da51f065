package io.kanary.audit;

import java.util.Arrays;

/**
 * The last event ids seen (between {@code capacity / 2} and {@code capacity} of them), to count a
 * redelivered probe once. Exact for a record sent again soon after (a producer's retry, a
 * publisher restarted mid-batch); an id older than that is forgotten, because remembering every
 * probe's id would make memory grow with history, which the audit must not.
 *
 * <p>Ids are kept as 64-bit hashes in two open-addressed {@code long} tables, the current one and
 * the one before, swapped when the current one is half full: no object per id, so the millions
 * read leave no medium-lived garbage for the collector to promote. Two different ids share a hash
 * with a chance of about {@code capacity × records / 2^64}, some 10^-8 for 10M records.
 */
final class RecentIds {
    private final int perTable;
    private long[] current;
    private long[] previous;
    private int size;

    RecentIds(int capacity) {
        this.perTable = Math.max(1, capacity / 2);
        int slots = Integer.highestOneBit(perTable * 4 - 1) << 1; // at most a quarter full: short probes
        this.current = new long[slots];
        this.previous = new long[slots];
    }

    /** True the first time {@code id} is seen (within the window). */
    boolean firstSight(String id) {
        long hash = hash(id);
        if (contains(current, hash) || contains(previous, hash)) {
            return false;
        }
        if (size == perTable) {
            long[] emptied = previous;
            Arrays.fill(emptied, 0L);
            previous = current;
            current = emptied;
            size = 0;
        }
        insert(current, hash);
        size++;
        return true;
    }

    private static boolean contains(long[] table, long hash) {
        int mask = table.length - 1;
        for (int i = (int) hash & mask; table[i] != 0; i = (i + 1) & mask) {
            if (table[i] == hash) {
                return true;
            }
        }
        return false;
    }

    private static void insert(long[] table, long hash) {
        int mask = table.length - 1;
        int i = (int) hash & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = hash;
    }

    /** A 64-bit FNV-1a of the id's characters with a final mix; never 0, which marks an empty slot. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
