package io.kanary.kafka;

import java.util.UUID;

/** Event ids: random UUIDs, unique across services and restarts. */
public final class Ids {
    private Ids() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
