package io.kanary.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.ResourceNotFoundException;

/** Creates or updates SCRAM-SHA-512 users through the Admin API ({@code alterUserScramCredentials}). */
public final class ScramUsers {
    private static final int ITERATIONS = 8192;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ScramUsers() {
    }

    /**
     * Sets each user's password and returns once the broker knows them all, so that a client
     * started next can log in.
     *
     * @param adminProps a super user's client properties
     */
    public static void upsert(Map<String, Object> adminProps, Map<String, String> users) {
        if (users.isEmpty()) {
            return;
        }
        List<UserScramCredentialAlteration> alterations = users.entrySet().stream()
                .<UserScramCredentialAlteration>map(u -> new UserScramCredentialUpsertion(u.getKey(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), u.getValue()))
                .toList();
        try (Admin admin = Admin.create(adminProps)) {
            admin.alterUserScramCredentials(alterations).all().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            awaitKnown(admin, List.copyOf(users.keySet()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the SCRAM users " + users.keySet() + " at "
                    + adminProps.get("bootstrap.servers") + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM users", e);
        }
    }

    /** The credentials travel through the metadata log to the broker: poll until it describes every user. */
    private static void awaitKnown(Admin admin, List<String> users) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                admin.describeUserScramCredentials(users).all().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ResourceNotFoundException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker does not know the SCRAM users " + users + ": "
                            + e.getCause().getMessage(), e);
                }
            }
            Thread.sleep(50);
        }
    }
}
