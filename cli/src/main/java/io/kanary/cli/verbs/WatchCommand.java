package io.kanary.cli.verbs;

import io.kanary.cli.HelpOption;
import io.kanary.cli.KafkaOption;
import io.kanary.cli.client.KafkaReach;
import io.kanary.cli.demo.LiveConsole;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** kanary watch: the live console against a running kanary. */
@Command(name = "watch",
        description = {"Show deployments live from Kafka, a progress line per rollout.",
                "Show deployments live: every deployment, host, breach and rollback event as it lands on Kafka, "
                + "a waiting batch's evidence toward healthy and toward breach every few seconds, "
                + "and once a second a progress line per active deployment (batch, hosts on the new version, the new "
                + "version's error rate and p99 against the baseline's, each host). Ctrl-C to stop."},
        footer = {"", "Examples:", "  kanary watch                                  everything from now on",
                "  kanary watch --service web --from-beginning   web's whole history in record order, then live",
                "  kanary watch --bootstrap-server kafka-1:9092", "",
                "Exit codes: 0 stopped with Ctrl-C; 2 a bad flag; 3 Kafka cannot be reached (the message names the address)."})
public final class WatchCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Mixin
    KafkaOption kafka;

    @Option(names = "--from-beginning", description = "Show the topics' history first, in the order it was written.")
    boolean fromBeginning;

    @Option(names = "--service", description = "Only this service's events and progress.")
    String service;

    @Option(names = "--connect-timeout-s", defaultValue = "10",
            description = "How long to wait for Kafka to answer at start (default: ${DEFAULT-VALUE} s).")
    long connectTimeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        KafkaReach.check(kafka.clientProps(), Duration.ofSeconds(connectTimeoutSeconds));
        CountDownLatch stop = new CountDownLatch(1);
        try (LiveConsole console = new LiveConsole(kafka.clientProps(), System.out, fromBeginning, service).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
