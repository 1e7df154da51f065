package io.kanary.cli.stack;

import io.kanary.cli.ExitCodes;
import io.kanary.cli.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks, before {@code kanary up} starts anything, that the ports it was told to listen on are
 * free: otherwise the broker or the planner fails seconds later with "Address already in use" and
 * no word of which port or which flag.
 */
public final class PortCheck {
    private PortCheck() {
    }

    /**
     * @param port 0 (a free one is chosen at start) always passes
     * @param flag the flag and variable that set the port, e.g. {@code --kafka-port (KANARY_KAFKA_PORT)}
     */
    public static void free(String host, int port, String flag) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new UserError("port " + port + " on " + host + " is in use (" + flag + "): stop what listens there (is "
                    + "another 'kanary up' running?), or give another port, or 0 for a free one", ExitCodes.FAILED);
        }
    }
}
