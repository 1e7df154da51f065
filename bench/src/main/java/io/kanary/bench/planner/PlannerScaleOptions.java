package io.kanary.bench.planner;

import io.kanary.bench.BenchArgs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@link PlannerScaleBench} seeds and drives.
 *
 * @param deployments    deployments recorded before the planner starts (each run to success on 2 of the hosts)
 * @param history        host.events and deploy.events in all (the rest of the deployments' events are heartbeats)
 * @param probesPerSecond the probe rate offered while the planner's CPU is measured
 * @param probeSeconds   how long that rate is offered
 * @param instances      instances the probes are spread over
 * @param pageRequests   GETs of each list page timed
 */
record PlannerScaleOptions(int deployments, int history, int probesPerSecond, int probeSeconds, int instances,
                           int pageRequests) {
    PlannerScaleOptions {
        if (deployments < 1 || history < deployments * 6 || probesPerSecond < 1 || probeSeconds < 1 || instances < 1
                || instances > 500 || pageRequests < 1) {
            throw new IllegalArgumentException("every count must be >= 1, --instances at most 500 (50 services on 10 hosts)"
                    + " and --history at least 6 events a deployment");
        }
    }

    @Command(name = "run-planner-bench.sh", mixinStandardHelpOptions = false,
            description = "The planner at scale: CPU per probe/s, view update, list page, start-up with and without snapshots.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;
        @Option(names = "--deployments", defaultValue = "1000", description = "Deployments recorded (default ${DEFAULT-VALUE}).")
        int deployments;
        @Option(names = "--history", defaultValue = "1000000", description = "Events of history in all (default ${DEFAULT-VALUE}).")
        int history;
        @Option(names = "--probes-per-second", defaultValue = "2000", description = "Probe rate offered (default ${DEFAULT-VALUE}).")
        int probesPerSecond;
        @Option(names = "--probe-seconds", defaultValue = "20", description = "Seconds of probes (default ${DEFAULT-VALUE}).")
        int probeSeconds;
        @Option(names = "--instances", defaultValue = "200", description = "Instances probed, at most 500 (default ${DEFAULT-VALUE}).")
        int instances;
        @Option(names = "--page-requests", defaultValue = "20", description = "GETs timed per page size (default ${DEFAULT-VALUE}).")
        int pageRequests;

        PlannerScaleOptions options() {
            return new PlannerScaleOptions(deployments, history, probesPerSecond, probeSeconds, instances, pageRequests);
        }
    }
}
