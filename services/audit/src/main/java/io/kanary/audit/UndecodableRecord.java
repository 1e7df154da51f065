package io.kanary.audit;

/** A record the replay could not read as its topic's event; reported, not fatal. */
public record UndecodableRecord(String topic, int partition, long offset, String key, String reason) {
}
