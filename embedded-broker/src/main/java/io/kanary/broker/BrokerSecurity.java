package io.kanary.broker;

import io.kanary.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How the embedded broker secures its client listener: SASL_SSL with SCRAM-SHA-512 users, a
 * self-signed certificate for localhost, and optionally Kafka's {@code StandardAuthorizer} (ACLs;
 * nothing allowed that no ACL allows, except to super users).
 *
 * <p>The broker talks to itself as the super user {@value #BROKER_USER}: over its controller
 * listener with SASL PLAIN (KRaft controllers cannot read SCRAM credentials before the metadata
 * log is up) and over the client listener with a SCRAM credential written at format time.
 *
 * @param users      SCRAM-SHA-512 user → password, created through the Admin API at every start
 * @param superUsers users every ACL check lets through (besides the broker itself), e.g. an admin
 * @param authorizer whether ACLs are enforced
 */
public record BrokerSecurity(Map<String, String> users, Set<String> superUsers, boolean authorizer) {
    public static final String BROKER_USER = "kanary-broker";
    static final String CLIENT_LISTENER = "CLIENT";

    public BrokerSecurity {
        users = Map.copyOf(users);
        superUsers = Set.copyOf(superUsers);
        if (users.containsKey(BROKER_USER)) {
            throw new IllegalArgumentException(BROKER_USER + " is the broker's own user; give clients other names");
        }
    }

    /** SASL_SSL with these users and no ACLs. */
    public static BrokerSecurity scram(Map<String, String> users) {
        return new BrokerSecurity(users, Set.of(), false);
    }

    /** SASL_SSL with these users and ACLs enforced; {@code superUsers} pass every check. */
    public static BrokerSecurity scramWithAcls(Map<String, String> users, Set<String> superUsers) {
        return new BrokerSecurity(users, superUsers, true);
    }

    /** Where the certificate and the broker's own password live: beside the data, not in it (Kafka owns log.dirs). */
    static Path directoryFor(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + "-security");
    }

    /** The broker's own password, made once per security directory and kept readable by its owner alone. */
    static String brokerPassword(Path dir) {
        Path file = dir.resolve("broker.password");
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            Files.writeString(Files.createFile(file, SelfSignedCertificate.OWNER_ONLY), password + "\n", StandardCharsets.UTF_8);
            return password;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot keep the embedded broker's password in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Overrides the listener settings of a one-node broker for SASL_SSL. */
    void configure(Map<String, Object> props, int clientPort, int controllerPort, String controllerListener,
                   SelfSignedCertificate certificate, String brokerPassword) {
        String controller = controllerListener.toLowerCase(java.util.Locale.ROOT);
        String client = CLIENT_LISTENER.toLowerCase(java.util.Locale.ROOT);
        props.put("listeners", CLIENT_LISTENER + "://localhost:" + clientPort + "," + controllerListener + "://localhost:" + controllerPort);
        props.put("advertised.listeners", CLIENT_LISTENER + "://localhost:" + clientPort);
        props.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL," + controllerListener + ":SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put("sasl.mechanism.inter.broker.protocol", KafkaSettings.SCRAM_SHA_512);
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("sasl.enabled.mechanisms", KafkaSettings.SCRAM_SHA_512 + ",PLAIN");
        props.put("listener.name." + client + ".sasl.enabled.mechanisms", KafkaSettings.SCRAM_SHA_512);
        props.put("listener.name." + client + ".scram-sha-512.sasl.jaas.config",
                KafkaSettings.jaasConfig(KafkaSettings.SCRAM_SHA_512, BROKER_USER, brokerPassword));
        props.put("listener.name." + controller + ".sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name." + controller + ".plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER_USER
                        + "\" password=\"" + brokerPassword + "\" user_" + BROKER_USER + "=\"" + brokerPassword + "\";");
        props.put("ssl.keystore.location", certificate.keyStore().toString());
        props.put("ssl.keystore.password", certificate.password());
        props.put("ssl.key.password", certificate.password());
        props.put("ssl.keystore.type", SelfSignedCertificate.STORE_TYPE);
        props.put("ssl.truststore.location", certificate.trustStore().toString());
        props.put("ssl.truststore.password", certificate.password());
        props.put("ssl.truststore.type", SelfSignedCertificate.STORE_TYPE);
        props.put("ssl.endpoint.identification.algorithm", "https");
        if (authorizer) {
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            Set<String> supers = new TreeSet<>(superUsers);
            supers.add(BROKER_USER);
            props.put("super.users", supers.stream().map(u -> "User:" + u).collect(Collectors.joining(";")));
            props.put("allow.everyone.if.no.acl.found", "false");
        }
    }

    /** The format-time SCRAM argument that lets the broker log in to its own client listener. */
    static List<String> formatScramArguments(String brokerPassword) {
        return List.of(KafkaSettings.SCRAM_SHA_512 + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]");
    }
}
