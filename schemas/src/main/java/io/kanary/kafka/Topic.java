package io.kanary.kafka;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its keys and values. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** The dead-letter topic for records of this topic that cannot be read or are invalid. */
    public String dlqName() {
        return name + ".dlq";
    }
}
