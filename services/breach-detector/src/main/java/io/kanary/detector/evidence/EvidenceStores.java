package io.kanary.detector.evidence;

import io.kanary.kafka.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The evidence branch's state store, backed by a changelog topic like the detector's others. */
public final class EvidenceStores {
    /** service → the evidence on its active deployment's current batch, with the batch's deadline. */
    public static final String BATCH_EVIDENCE = "batch-evidence";

    private EvidenceStores() {
    }

    public static StoreBuilder<KeyValueStore<String, BatchEvidence>> batchEvidence() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BATCH_EVIDENCE), Serdes.String(),
                JsonSerde.of(BatchEvidence.class));
    }
}
