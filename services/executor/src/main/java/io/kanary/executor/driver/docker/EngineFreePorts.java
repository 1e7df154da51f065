package io.kanary.executor.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.FreePorts;
import io.kanary.executor.driver.LocalFreePorts;
import io.kanary.executor.driver.PortRange;
import io.kanary.executor.driver.ReadinessWait;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Ports on the host of a Docker engine on another machine, where this machine's own free ports
 * say nothing: the lowest port of the configured range that no container on that engine (any
 * host's, running or not) publishes or is labelled with, and that nothing on the engine's host
 * answers on yet.
 */
public final class EngineFreePorts implements FreePorts {

    /** The ports the engine's containers hold, asked afresh for every pick. */
    @FunctionalInterface
    public interface UsedPorts {
        Set<Integer> list() throws DriverException;
    }

    private final PortRange range;
    private final UsedPorts used;
    private final IntPredicate answers;

    /** @param answers whether something on the engine's host already accepts connections on a port */
    public EngineFreePorts(PortRange range, UsedPorts used, IntPredicate answers) {
        this.range = range;
        this.used = used;
        this.answers = answers;
    }

    /**
     * The ports of the host the engine runs on: this machine's when its containers are reached on
     * loopback (a unix socket, or tcp to localhost), else the engine's range.
     */
    public static FreePorts forEngine(DockerClient docker, EngineErrors errors, String hostAddress, PortRange range) {
        if (onThisMachine(hostAddress)) {
            return LocalFreePorts.INSTANCE;
        }
        return new EngineFreePorts(range,
                () -> usedBy(errors.call("list the containers on the engine at " + hostAddress,
                        () -> docker.listContainersCmd().withShowAll(true).exec())),
                port -> ReadinessWait.acceptsConnections(new InetSocketAddress(hostAddress, port)));
    }

    static boolean onThisMachine(String hostAddress) {
        String host = hostAddress.startsWith("[") ? hostAddress.substring(1, hostAddress.length() - 1) : hostAddress;
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** Every port the containers are labelled with (host network) or publish on their host. */
    static Set<Integer> usedBy(List<Container> containers) {
        Set<Integer> ports = new HashSet<>();
        for (Container container : containers) {
            ContainerLabels.port(container.getLabels()).ifPresent(ports::add);
            if (container.getPorts() != null) {
                for (ContainerPort port : container.getPorts()) {
                    if (port.getPublicPort() != null) {
                        ports.add(port.getPublicPort());
                    }
                }
            }
        }
        return ports;
    }

    @Override
    public int pick(Set<Integer> avoid) throws DriverException {
        Set<Integer> taken = new HashSet<>(used.list());
        taken.addAll(avoid);
        for (int port = range.first(); port <= range.last(); port++) {
            if (!taken.contains(port) && !answers.test(port)) {
                return port;
            }
        }
        throw new DriverException("no port in " + range + " is free on the engine's host: its containers hold "
                + taken.stream().filter(range::contains).count() + " of them and something answers on the rest; "
                + "widen KANARY_DOCKER_PORT_RANGE or remove unused containers");
    }
}
