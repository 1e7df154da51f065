package io.kanary.cli.client;

import io.kanary.cli.HumanErrors;
import io.kanary.cli.UserError;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks Kafka for its cluster once before a verb that reads it for long: a consumer would otherwise
 * retry an absent broker forever and show nothing.
 */
public final class KafkaReach {
    private KafkaReach() {
    }

    /** Returns when a broker answered within {@code timeout}; otherwise a {@link UserError} naming the address and the fix. */
    public static void check(Map<String, Object> clientProps, Duration timeout) throws InterruptedException {
        Map<String, Object> props = new HashMap<>(clientProps);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes()
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new UserError("couldn't reach Kafka at " + props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + " within " + timeout.toSeconds() + " s. Is 'kanary up' running? Point the CLI at a broker with "
                    + "--bootstrap-server HOST:PORT or KAFKA_BOOTSTRAP_SERVERS.", HumanErrors.EXIT_UNREACHABLE);
        }
    }
}
