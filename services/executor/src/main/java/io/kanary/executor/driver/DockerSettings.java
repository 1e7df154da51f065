package io.kanary.executor.driver;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.kanary.settings.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the docker driver reaches its engines and keeps their containers.
 *
 * @param endpoints      host id → Docker endpoint, {@code unix:///…/docker.sock} or {@code tcp://host:port}
 * @param tlsCertPath    for tcp endpoints: a folder with {@code ca.pem}, {@code cert.pem}, {@code key.pem}
 *                       (as {@code DOCKER_CERT_PATH}); null for plain tcp
 * @param tlsVerify      for tcp endpoints: whether to use TLS and verify the engine's certificate
 * @param pullPolicy     when images are pulled before a container is created
 * @param keepRevisions  how many containers per service per host are kept (the running one and the
 *                       ones to roll back to); at least 2, so a rollback is always warm
 * @param callTimeout    the bound on every call to an engine (a graceful stop's grace period comes on top)
 * @param stopOnClose    whether closing the executor stops the containers it runs; by default they keep
 *                       running, and the next executor reconciles from their labels
 * @param remotePorts    for an engine on another machine (tcp to a host that is not this one): the ports
 *                       its containers may listen on; this machine's free ports say nothing about that host
 */
public record DockerSettings(Map<String, String> endpoints, Path tlsCertPath, boolean tlsVerify, PullPolicy pullPolicy,
                             int keepRevisions, Duration callTimeout, boolean stopOnClose, PortRange remotePorts) {
    public static final int DEFAULT_KEEP_REVISIONS = 2;
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public DockerSettings {
        endpoints = Map.copyOf(endpoints);
        endpoints.forEach((host, endpoint) -> {
            if (!endpoint.startsWith("unix://") && !endpoint.startsWith("tcp://")) {
                throw new IllegalArgumentException("the Docker endpoint of " + host + " must start with unix:// or tcp://, was '"
                        + endpoint + "'");
            }
        });
        pullPolicy = pullPolicy == null ? PullPolicy.IF_NOT_PRESENT : pullPolicy;
        if (keepRevisions < 2) {
            throw new IllegalArgumentException("KANARY_DOCKER_KEEP_REVISIONS must be at least 2 (the running container and "
                    + "the one to roll back to), was " + keepRevisions);
        }
        callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("the Docker call timeout must be positive, was " + callTimeout);
        }
        remotePorts = remotePorts == null ? PortRange.DEFAULT : remotePorts;
    }

    /** Settings with remote engines' ports in {@link PortRange#DEFAULT}. */
    public DockerSettings(Map<String, String> endpoints, Path tlsCertPath, boolean tlsVerify, PullPolicy pullPolicy,
                          int keepRevisions, Duration callTimeout, boolean stopOnClose) {
        this(endpoints, tlsCertPath, tlsVerify, pullPolicy, keepRevisions, callTimeout, stopOnClose, PortRange.DEFAULT);
    }

    /** Plain endpoints with every other setting at its default. */
    public static DockerSettings of(Map<String, String> endpoints) {
        return new DockerSettings(endpoints, null, false, PullPolicy.IF_NOT_PRESENT, DEFAULT_KEEP_REVISIONS,
                DEFAULT_CALL_TIMEOUT, false);
    }

    /**
     * Reads {@code KANARY_DOCKER_HOSTS} ({@code host-1=unix:///…,host-2=tcp://…}),
     * {@code KANARY_DOCKER_CERT_PATH} and {@code KANARY_DOCKER_TLS_VERIFY} (falling back to
     * {@code DOCKER_CERT_PATH} and {@code DOCKER_TLS_VERIFY}), {@code KANARY_DOCKER_PULL_POLICY}
     * (default {@code if-not-present}), {@code KANARY_DOCKER_KEEP_REVISIONS} (default 2),
     * {@code KANARY_DOCKER_CALL_TIMEOUT_SECONDS} (default 60), {@code KANARY_DOCKER_STOP_ON_CLOSE} and
     * {@code KANARY_DOCKER_PORT_RANGE} (default {@code 20000-32767}: remote engines' ports).
     */
    public static DockerSettings fromEnv(Map<String, String> env) {
        String certPath = firstSet(env, "KANARY_DOCKER_CERT_PATH", "DOCKER_CERT_PATH");
        String verify = firstSet(env, "KANARY_DOCKER_TLS_VERIFY", "DOCKER_TLS_VERIFY");
        String pull = env.get("KANARY_DOCKER_PULL_POLICY");
        String ports = env.get("KANARY_DOCKER_PORT_RANGE");
        return new DockerSettings(
                parseHosts(env.getOrDefault("KANARY_DOCKER_HOSTS", "")),
                certPath == null ? null : Path.of(certPath),
                verify != null && (verify.equals("1") || verify.equalsIgnoreCase("true")),
                pull == null || pull.isBlank() ? PullPolicy.IF_NOT_PRESENT : PullPolicy.parse(pull),
                wholeNumber(env, "KANARY_DOCKER_KEEP_REVISIONS", DEFAULT_KEEP_REVISIONS),
                Duration.ofSeconds(wholeNumber(env, "KANARY_DOCKER_CALL_TIMEOUT_SECONDS",
                        (int) DEFAULT_CALL_TIMEOUT.toSeconds())),
                Env.of(env).flag("KANARY_DOCKER_STOP_ON_CLOSE", false),
                ports == null || ports.isBlank() ? PortRange.DEFAULT : PortRange.parse("KANARY_DOCKER_PORT_RANGE", ports));
    }

    /** {@code host-1=unix:///a.sock,host-2=tcp://b:2376} → an ordered map; blank → empty. */
    public static Map<String, String> parseHosts(String text) {
        Map<String, String> hosts = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("KANARY_DOCKER_HOSTS entries look like host-1=unix:///var/run/docker.sock, "
                        + "was '" + entry.trim() + "'");
            }
            String host = entry.substring(0, eq).trim();
            if (hosts.put(host, entry.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("KANARY_DOCKER_HOSTS lists " + host + " twice");
            }
        }
        return hosts;
    }

    /**
     * A client for {@code endpoint} whose every call is bounded: connecting by 5 s, waiting for an
     * answer by {@code callTimeout}. TLS applies to tcp endpoints only.
     */
    public DockerClient client(String endpoint) {
        boolean tls = endpoint.startsWith("tcp://") && tlsVerify;
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint)
                .withDockerTlsVerify(tls);
        if (tls && tlsCertPath != null) {
            builder.withDockerCertPath(tlsCertPath.toString());
        }
        DefaultDockerClientConfig config = builder.build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(callTimeout)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /**
     * Where an engine's host-network containers are reached: 127.0.0.1 for a unix socket (the
     * engine runs on this machine), the endpoint's host for tcp.
     */
    public static String hostAddress(String endpoint) {
        if (endpoint.startsWith("unix://")) {
            return "127.0.0.1";
        }
        String host = URI.create(endpoint).getHost();
        if (host == null) {
            throw new IllegalArgumentException("the Docker endpoint '" + endpoint + "' names no host");
        }
        return host;
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private static int wholeNumber(Map<String, String> env, String name, int fallback) {
        return Env.of(env).wholeNumber(name, fallback);
    }
}
