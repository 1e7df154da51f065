package io.kanary.health;

import io.kanary.health.traffic.TrafficScraper;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;

/** Hands each event the feed reads to the probes and to the traffic scraper, which keep their own instance sets. */
record FeedListeners(InstanceFeed.Listener probes, TrafficScraper traffic) implements InstanceFeed.Listener {
    @Override
    public void onHostEvent(HostEvent event, String causationId) {
        probes.onHostEvent(event, causationId);
        traffic.onHostEvent(event, causationId);
    }

    @Override
    public void onDeploymentStarted(DeploymentEvent.Started started) {
        probes.onDeploymentStarted(started);
        traffic.onDeploymentStarted(started);
    }
}
