package io.kanary.executor.driver;

import io.kanary.schema.Instance;

/** One version of a service that a driver runs on its host. */
public record RunningInstance(String service, String version, Instance instance) {
}
