package io.kanary.bench.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.kafka.KafkaSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The fault-injection campaign: the services as separate OS processes on a 3-node KRaft cluster,
 * rollouts of healthy and failing versions one after another, and meanwhile {@code kill -9} of a
 * random service or broker at random moments, each restarted after a random delay. Afterwards the
 * invariants are checked from the replayed record and the world, and a table printed.
 *
 * <p>Exit code: 0 no violation (or {@code --allow-violations}), 1 violations, 2 the campaign itself
 * could not run. Every process it started is stopped before it returns, also on Ctrl-C.
 */
public final class FaultCampaign {
    /** How long the record and the world may take to agree once every rollout has ended. */
    private static final Duration WORLD_SETTLE = Duration.ofSeconds(30);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(90);

    private FaultCampaign() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /** Runs the campaign and returns its exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        CampaignOptions options;
        try {
            options = CampaignOptions.parse(args, env);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
        }
        Consumer<String> log = line -> out.println(LocalTime.now().format(CLOCK) + "  " + line);
        String runId = "fc" + Long.toHexString(options.seed()) + "p" + ProcessHandle.current().pid();
        Random random = new Random(options.seed());
        List<Boolean> plan = RolloutRunner.plan(options.rollouts(), options.badShare(), random);
        long began = System.nanoTime();
        long deadline = began + options.maxDuration().toNanos();
        CampaignRig rig = new CampaignRig(runId, CampaignRig.createWorkDir(options.workDir()), options.keepWorkDir(),
                options.hosts(), log);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable cleanUp = () -> {
            if (closed.compareAndSet(false, true)) {
                rig.close();
            }
        };
        Thread hook = new Thread(cleanUp, "fault-campaign-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            log.accept("work dir " + rig.workDir() + "; seed " + options.seed() + "; plan " + describe(plan));
            Map<String, Long> coldStarts = rig.start();
            FaultInjector injector = new FaultInjector(rig, new Random(random.nextLong()), options.maxKills(),
                    options.kinds(), options.minGap(), options.maxGap(), options.maxDown(), log);
            Thread faults = new Thread(injector, "fault-injector");
            faults.start();
            RolloutRunner runner = new RolloutRunner(new PlannerHttp(rig.plannerPort(), rig.plannerTokenFile()), rig.hosts(), rig.appCommand(),
                    runId, options.rolloutTimeout(), log);
            List<Rollout> rollouts = runner.run(plan, deadline);
            injector.stop();
            faults.join(options.maxDown().toMillis() + CampaignRig.readyTimeout().toMillis() + 10_000);
            List<String> violations = new ArrayList<>(injector.selfExits());
            for (FaultInjector.Crash crash : injector.crashes()) {
                if (crash.failure() != null) {
                    violations.add(crash.process() + " did not come back after a kill -9: " + crash.failure() + ".");
                }
            }
            rig.restartDead().forEach((name, ms) -> log.accept(name + " was down at the end; started again in " + ms + " ms"));
            rollouts = settle(rig, rollouts, log);
            log.accept("replaying the record and looking at the world");
            // The last host events and instance stops may still be landing: a violation counts once it has
            // outlasted WORLD_SETTLE, looked at again every second, not after a guessed pause.
            long settleBy = System.nanoTime() + WORLD_SETTLE.toNanos();
            InvariantCheck.Findings findings;
            while (true) {
                AuditReport report = AuditReplay.replay(KafkaSettings.bootstrap(rig.bootstrapServers()), REPLAY_TIMEOUT);
                findings = InvariantCheck.check(report, RolloutRunner.SERVICE, rollouts, WorldScan.apps(rig.marker()));
                if (findings.violations().isEmpty() || System.nanoTime() > settleBy) {
                    break;
                }
                Thread.sleep(1_000);
            }
            violations.addAll(findings.violations());
            out.println();
            out.print(CampaignReport.render("run-fault-campaign.sh " + String.join(" ", args), options,
                    (System.nanoTime() - began) / 1e9, injector.crashes(), injector.perKind(), coldStarts, rollouts,
                    violations, findings.observations()));
            if (!violations.isEmpty() && options.allowViolations()) {
                out.println("violations allowed (--allow-violations): exit 0");
            }
            return violations.isEmpty() || options.allowViolations() ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("fault campaign interrupted");
            return 2;
        } catch (RuntimeException e) {
            out.println("fault campaign could not run: " + e.getMessage());
            out.println("logs: " + rig.workDir() + (options.keepWorkDir() ? "" : " (removed; keep them with --keep-work-dir)"));
            return 2;
        } finally {
            cleanUp.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing left to remove
            }
        }
    }

    /** Waits (bounded) until every accepted rollout is terminal in the planner's view; the last phases seen. */
    private static List<Rollout> settle(CampaignRig rig, List<Rollout> rollouts, Consumer<String> log)
            throws InterruptedException {
        PlannerHttp planner = new PlannerHttp(rig.plannerPort(), rig.plannerTokenFile());
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        List<Rollout> latest = rollouts;
        while (true) {
            List<Rollout> now = new ArrayList<>();
            for (Rollout r : rollouts) {
                Optional<JsonNode> view = r.accepted() ? planner.get("v1/deployments/" + r.deploymentId()) : Optional.empty();
                String phase = view.map(v -> v.path("phase").asText(null)).orElse(r.phase());
                now.add(new Rollout(r.deploymentId(), r.version(), r.bad(), phase, r.accepted()));
            }
            latest = now;
            if (now.stream().allMatch(r -> !r.accepted() || r.terminal()) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        log.accept("settled: " + latest.stream().map(r -> r.version() + "=" + r.phase()).toList());
        return latest;
    }

    private static String describe(List<Boolean> plan) {
        StringBuilder s = new StringBuilder();
        plan.forEach(bad -> s.append(bad ? 'B' : 'g'));
        return s + " (g healthy, B fails half its requests)";
    }
}
