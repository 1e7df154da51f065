package io.kanary.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import io.kanary.kafka.KafkaSettings;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker (KRaft, combined broker and controller) inside this JVM:
 * Kafka's own server, formatted and started the way {@code kafka-storage format} and
 * {@code kafka-server-start} would. It backs {@code kanary up} and the integration tests.
 *
 * <p>Settings are those of a one-node cluster: replication factor 1, and a transaction state log
 * of one replica, so transactions and exactly-once Streams work. Small group delays make consumer
 * groups form at once instead of after the production default of 3 s.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final KafkaRaftServer server;
    private final BrokerSecurity security;
    private final SelfSignedCertificate certificate;
    private final String brokerPassword;

    private EmbeddedKafkaBroker(Path dataDir, boolean deleteOnClose, int port, KafkaRaftServer server,
                                BrokerSecurity security, SelfSignedCertificate certificate, String brokerPassword) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
        this.security = security;
        this.certificate = certificate;
        this.brokerPassword = brokerPassword;
    }

    /** Starts a broker on a free port with its data in a new temporary directory, deleted on close. */
    public static EmbeddedKafkaBroker start() {
        try {
            return start(Files.createTempDirectory("kanary-kafka-"), 0, true);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a data directory for the embedded broker: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a broker.
     *
     * @param dataDir       where its logs go; formatted if new, reused (with its topics) if formatted before
     * @param port          the client port, or 0 for a free one
     * @param deleteOnClose whether to delete {@code dataDir} on close
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, boolean deleteOnClose) {
        return start(dataDir, port, deleteOnClose, null);
    }

    /** Starts a broker whose client listener is SASL_SSL (SCRAM-SHA-512), in a new temporary directory deleted on close. */
    public static EmbeddedKafkaBroker startSecured(BrokerSecurity security) {
        try {
            return start(Files.createTempDirectory("kanary-kafka-"), 0, true, security);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a data directory for the embedded broker: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a broker; with {@code security} its one client listener is SASL_SSL (see
     * {@link BrokerSecurity}), its certificate and its own password kept beside {@code dataDir}.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, boolean deleteOnClose, BrokerSecurity security) {
        long began = System.nanoTime();
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Map<String, Object> settings = settings(dataDir, clientPort, controllerPort);
        SelfSignedCertificate certificate = null;
        String brokerPassword = null;
        if (security != null) {
            Path securityDir = BrokerSecurity.directoryFor(dataDir);
            certificate = SelfSignedCertificate.inDirectory(securityDir);
            brokerPassword = BrokerSecurity.brokerPassword(securityDir);
            security.configure(settings, clientPort, controllerPort, CONTROLLER_LISTENER, certificate, brokerPassword);
        }
        KafkaConfig config = new KafkaConfig(settings, false);
        try {
            format(config, dataDir, brokerPassword == null ? List.of() : BrokerSecurity.formatScramArguments(brokerPassword));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the embedded broker's storage in " + dataDir + ": "
                    + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, deleteOnClose, clientPort, server, security,
                certificate, brokerPassword);
        if (security != null) {
            try {
                ScramUsers.upsert(broker.clientProps(BrokerSecurity.BROKER_USER), security.users());
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }
        LOG.info("Kafka broker started on localhost:{}{} in {} ms (data in {})", clientPort,
                security == null ? "" : " (SASL_SSL, SCRAM-SHA-512" + (security.authorizer() ? ", ACLs" : "") + ")",
                (System.nanoTime() - began) / 1_000_000, dataDir);
        return broker;
    }

    /**
     * Client properties for {@code user} on this broker: SASL_SSL with its SCRAM password and the
     * broker's certificate as the only one trusted; the plain bootstrap address when the broker is
     * not secured. {@value BrokerSecurity#BROKER_USER} is the broker's own super user.
     */
    public Map<String, Object> clientProps(String user) {
        if (security == null) {
            return KafkaSettings.bootstrap(bootstrapServers());
        }
        String password = BrokerSecurity.BROKER_USER.equals(user) ? brokerPassword : security.users().get(user);
        if (password == null) {
            throw new IllegalArgumentException("the embedded broker has no user " + user + "; its users: " + security.users().keySet());
        }
        return KafkaSettings.saslSsl(bootstrapServers(), user, password, certificate.trustStore(), certificate.password(),
                SelfSignedCertificate.STORE_TYPE);
    }

    /** The self-signed certificate of a secured broker's listener, or null. */
    public SelfSignedCertificate certificate() {
        return certificate;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
            if (security != null) {
                deleteRecursively(BrokerSecurity.directoryFor(dataDir));
            }
        }
    }

    private static Map<String, Object> settings(Path dataDir, int clientPort, int controllerPort) {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + clientPort + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    private static void format(KafkaConfig config, Path dataDir, List<String> scramArguments) throws Exception {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return; // formatted by an earlier run: keep its topics
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(NODE_ID)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setDirectories(Set.of(dataDir.toAbsolutePath().toString()))
                .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setScramArguments(scramArguments)
                .run();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the embedded broker: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the embedded broker's data in {}: {}", dir, e.getMessage());
        }
    }
}
