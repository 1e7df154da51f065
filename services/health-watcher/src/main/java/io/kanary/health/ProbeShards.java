package io.kanary.health;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The watcher's probing, split over {@code probeLoops} verticles: Vert.x gives each verticle
 * instance an event loop of its own, so the timers, HTTP clients and callbacks of many instances no
 * longer queue behind one thread. Each event goes to every shard, which keeps the instances that fall to it.
 */
final class ProbeShards implements InstanceFeed.Listener {
    private final List<ProbeVerticle> shards;

    private ProbeShards(List<ProbeVerticle> shards) {
        this.shards = List.copyOf(shards);
    }

    static ProbeShards of(HealthWatcherConfig config, ProbeSink sink, ProbeVerticle.Meters meters) {
        List<ProbeVerticle> shards = new ArrayList<>();
        for (int i = 0; i < config.probeLoops(); i++) {
            ProbeVerticle.Shard shard = new ProbeVerticle.Shard(i, config.probeLoops(), config.maxInFlightPerLoop(),
                    config.maxProbeLateness());
            shards.add(new ProbeVerticle(sink, config.defaultProbeIntervalMs(), config.probeTimeout(), shard, meters));
        }
        return new ProbeShards(shards);
    }

    /** Deploys the shards as the instances of one deployment, each on its own event loop; undeploy it by the id. */
    Future<String> deploy(Vertx vertx) {
        AtomicInteger next = new AtomicInteger();
        return vertx.deployVerticle(() -> shards.get(next.getAndIncrement()),
                new DeploymentOptions().setInstances(shards.size()));
    }

    @Override
    public void onHostEvent(HostEvent event, String causationId) {
        shards.forEach(s -> s.onHostEvent(event, causationId));
    }

    @Override
    public void onDeploymentStarted(DeploymentEvent.Started started) {
        shards.forEach(s -> s.onDeploymentStarted(started));
    }

    /** How many instances are being probed now, over every shard. */
    int watchedInstances() {
        return shards.stream().mapToInt(ProbeVerticle::watchedInstances).sum();
    }

    /** Probes skipped so far because the previous probe of their instance was still in flight. */
    long skippedProbes() {
        return shards.stream().mapToLong(ProbeVerticle::skippedProbes).sum();
    }
}
