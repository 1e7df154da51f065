package io.kanary.executor.driver;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Set;

/** Ports free on this machine, as the kernel hands them out: for instances that run here. */
public final class LocalFreePorts implements FreePorts {
    public static final LocalFreePorts INSTANCE = new LocalFreePorts();
    private static final int ATTEMPTS = 20;

    private LocalFreePorts() {
    }

    @Override
    public int pick(Set<Integer> avoid) throws DriverException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            // Bound on every interface: an instance that listens on all of them must find the port free too.
            try (ServerSocket socket = new ServerSocket(0)) {
                if (!avoid.contains(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new DriverException("cannot find a free port on this machine: " + e.getMessage(), e);
            }
        }
        throw new DriverException("cannot find a free port on this machine that no kept instance uses after "
                + ATTEMPTS + " tries");
    }
}
