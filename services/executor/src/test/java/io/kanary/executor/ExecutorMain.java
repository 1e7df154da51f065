package io.kanary.executor;

import io.kanary.kafka.KafkaSettings;
import io.kanary.security.RunAllowList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An executor in a JVM of its own, for tests that kill it: args are the bootstrap servers, the
 * executor id, the host id and the log directory. Prints a line once it takes commands.
 */
public final class ExecutorMain {
    private ExecutorMain() {
    }

    public static void main(String[] args) {
        long began = System.nanoTime();
        HostExecutor executor = HostExecutor.start(new ExecutorConfig(KafkaSettings.bootstrap(args[0]), args[1],
                List.of(args[2]), "process", Path.of(args[3]), Duration.ofSeconds(60))
                .withHeartbeatInterval(Duration.ofMillis(500)).withAllowList(RunAllowList.ANYTHING));
        Runtime.getRuntime().addShutdownHook(new Thread(executor::close, "executor-main-shutdown"));
        System.out.println("EXECUTOR READY " + executor.incarnationId() + " in "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
        System.out.flush();
    }
}
