package io.kanary.cli.verbs;

import io.kanary.cli.KafkaOption;
import io.kanary.cli.HelpOption;
import io.kanary.cli.demo.LiveConsole;
import io.kanary.cli.client.KafkaReach;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** kanary watch: the live console against a running kanary. */
@Command(name = "watch",
        description = {"Show deployments live: every deployment, host, breach and rollback event as it lands on Kafka, "
                + "and once a second the new version's error rate and p99 against the baseline's. Ctrl-C to stop."})
public final class WatchCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Mixin
    KafkaOption kafka;

    @Option(names = "--from-beginning", description = "Replay the topics' history first.")
    boolean fromBeginning;

    @Option(names = "--connect-timeout-s", defaultValue = "10",
            description = "How long to wait for Kafka to answer at start (default: ${DEFAULT-VALUE} s).")
    long connectTimeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        KafkaReach.check(kafka.clientProps(), Duration.ofSeconds(connectTimeoutSeconds));
        CountDownLatch stop = new CountDownLatch(1);
        try (LiveConsole console = new LiveConsole(kafka.clientProps(), System.out, fromBeginning).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
