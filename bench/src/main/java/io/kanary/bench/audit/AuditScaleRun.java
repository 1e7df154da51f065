package io.kanary.bench.audit;

import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.audit.DeploymentTimeline;
import io.kanary.kafka.KafkaSettings;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One audit in a JVM of its own, so that its heap limit is the one the bench sets: a full replay
 * ({@code full}) or one deployment's timeline (its id). Prints one line of {@code key=value}
 * figures for {@link ChildAudit} to read.
 *
 * <pre>AuditScaleRun BOOTSTRAP full|DEPLOYMENT_ID TIMEOUT_SECONDS</pre>
 */
public final class AuditScaleRun {
    static final String FULL = "full";
    private static final long SAMPLE_MS = 10;

    private AuditScaleRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        String what = args[1];
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[2]));
        AtomicLong sampledMax = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sampledMax.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(SAMPLE_MS); // a sampling period, not a wait for anything
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        AtomicLong afterGcMax = new AtomicLong();
        // The collection's figures name every pool, metaspace and code cache too: sum the heap's only.
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                    afterGcMax.accumulateAndGet(info.getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed()).sum(), Math::max);
                }
            }, null, null);
        }
        long began = System.nanoTime();
        AuditReport report = FULL.equals(what)
                ? AuditReplay.replay(KafkaSettings.bootstrap(args[0]), timeout)
                : AuditReplay.replayDeployment(KafkaSettings.bootstrap(args[0]), what, timeout);
        long wallMs = (System.nanoTime() - began) / 1_000_000;
        long cpuMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        sampler.interrupt();
        sampler.join();
        long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        DeploymentTimeline target = FULL.equals(what) ? null : report.deployment(what).orElse(null);
        System.out.printf(Locale.ROOT, "records=%d wallMs=%d cpuMs=%d heapAfterGcMaxBytes=%d heapSampledMaxBytes=%d "
                        + "heapPoolPeaksBytes=%d chains=%b "
                        + "deployments=%d probes=%d problems=%d%n",
                report.eventCount() + report.undecodable().size(), wallMs, cpuMs, afterGcMax.get(), sampledMax.get(), poolPeaks,
                target == null ? report.allChainsComplete() : target.chainComplete(), report.deployments().size(),
                target == null ? report.deployments().stream().mapToLong(DeploymentTimeline::probeTotal).sum()
                        : target.probeTotal(), report.problems().size());
        report.problems().forEach(p -> System.err.println("problem: " + p));
    }
}
