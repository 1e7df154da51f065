package io.kanary.detector.input;

/** Why a record was refused, with what the DLQ needs: where it came from and its original bytes. */
public record Refusal(String topic, int partition, long offset, byte[] key, byte[] value, String reason) {
}
