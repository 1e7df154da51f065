package io.kanary.bench.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Kills one process at a time with SIGKILL at random moments — a random service, or one of the
 * brokers, each kind once in a random order before any kind again — and starts it again after a random delay, until told to stop or out of kills. All its
 * choices come from the campaign's seed; when they happen depends on the machine.
 */
final class FaultInjector implements Runnable {
    /** One crash: what was killed, how long it stayed down, how long its restart took to be ready (or -1). */
    record Crash(FaultKind kind, String process, long downMs, long readyMs, String failure) {
    }

    private final CampaignRig rig;
    private final Random random;
    private final int maxKills;
    private final java.util.Set<FaultKind> kinds;
    private final Duration minGap;
    private final Duration maxGap;
    private final Duration maxDown;
    private final Consumer<String> log;
    private final List<Crash> crashes = new ArrayList<>();
    private final List<String> selfExits = new ArrayList<>();
    private volatile boolean stopping;

    FaultInjector(CampaignRig rig, Random random, int maxKills, java.util.Set<FaultKind> kinds, Duration minGap, Duration maxGap, Duration maxDown,
                  Consumer<String> log) {
        this.rig = rig;
        this.random = random;
        this.maxKills = maxKills;
        this.kinds = java.util.Set.copyOf(kinds);
        this.minGap = minGap;
        this.maxGap = maxGap;
        this.maxDown = maxDown;
        this.log = log;
    }

    @Override
    public void run() {
        List<FaultKind> bag = new ArrayList<>();
        try {
            while (!stopping && crashes.size() < maxKills) {
                if (!pause(between(minGap, maxGap))) {
                    return;
                }
                // Every kind once, in a random order, before any kind again: short campaigns hit different kinds.
                if (bag.isEmpty()) {
                    java.util.Arrays.stream(FaultKind.values()).filter(kinds::contains).forEach(bag::add);
                    java.util.Collections.shuffle(bag, random);
                }
                FaultKind kind = bag.remove(0);
                List<ManagedProcess> targets = rig.targets(kind);
                ManagedProcess victim = targets.get(random.nextInt(targets.size()));
                long down = between(Duration.ofMillis(500), maxDown);
                crash(kind, victim, down);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void crash(FaultKind kind, ManagedProcess victim, long downMs) throws InterruptedException {
        log.accept("kill -9 " + victim.name() + " (pid " + victim.pid() + "), restart in " + downMs + " ms");
        victim.kill9();
        Thread.sleep(downMs); // down for its full delay even when stopping: the crash is what it is
        victim.start();
        try {
            long ready = victim.awaitReady(CampaignRig.readyTimeout());
            log.accept(victim.name() + " back and ready in " + ready + " ms");
            record(new Crash(kind, victim.name(), downMs, ready, null));
        } catch (IllegalStateException e) {
            log.accept(victim.name() + " did not come back: " + e.getMessage());
            record(new Crash(kind, victim.name(), downMs, -1, e.getMessage()));
        }
    }

    private synchronized void record(Crash crash) {
        crashes.add(crash);
    }

    synchronized List<Crash> crashes() {
        return List.copyOf(crashes);
    }

    /** Crashes per kind, every kind present. */
    synchronized Map<FaultKind, Integer> perKind() {
        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        for (FaultKind kind : FaultKind.values()) {
            counts.put(kind, 0);
        }
        crashes.forEach(c -> counts.merge(c.kind(), 1, Integer::sum));
        return counts;
    }

    /** A process that exited without being killed is a finding: note it and start it again. */
    private void reviveSelfExited() {
        for (ManagedProcess p : rig.all()) {
            if (!p.alive()) {
                String what = p.name() + " exited on its own during the campaign (see " + p.log() + ")";
                log.accept(what + "; starting it again");
                synchronized (this) {
                    selfExits.add(what);
                }
                p.start();
                try {
                    p.awaitReady(CampaignRig.readyTimeout());
                } catch (IllegalStateException e) {
                    log.accept(p.name() + " did not come back: " + e.getMessage());
                }
            }
        }
    }

    synchronized List<String> selfExits() {
        return List.copyOf(selfExits);
    }

    /** No new crash after this; one under way still restarts its process. */
    void stop() {
        stopping = true;
    }

    private long between(Duration min, Duration max) {
        return min.toMillis() + (long) (random.nextDouble() * (max.toMillis() - min.toMillis()));
    }

    /** Sleeps {@code ms} unless stopped meanwhile; false when stopped. */
    private boolean pause(long ms) throws InterruptedException {
        long until = System.nanoTime() + ms * 1_000_000;
        while (!stopping && System.nanoTime() < until) {
            reviveSelfExited();
            Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
        return !stopping;
    }
}
