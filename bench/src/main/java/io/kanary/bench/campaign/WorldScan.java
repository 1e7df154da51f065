package io.kanary.bench.campaign;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs on this machine, looked at directly: every live app instance this campaign caused
 * (its command line carries the campaign's marker), with the port and version it was given
 * (from {@code /proc/<pid>/environ}) and whether that port accepts connections.
 */
final class WorldScan {
    static final String APP_MAIN = "io.kanary.demo.DemoApp";

    /** One live app process. */
    record AppProcess(long pid, int port, String version, boolean listening) {
    }

    private WorldScan() {
    }

    /** The live app processes whose command line holds {@code marker}. */
    static List<AppProcess> apps(String marker) {
        List<AppProcess> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).forEach(p -> {
            List<String> argv = commandLine(p.pid());
            if (argv.contains(marker) && argv.contains(APP_MAIN)) {
                Map<String, String> env = environment(p.pid());
                int port = parsePort(env.get("PORT"));
                found.add(new AppProcess(p.pid(), port, env.getOrDefault("DEMO_VERSION", "?"), port > 0 && listens(port)));
            }
        });
        return found;
    }

    /** Every live process whose command line holds {@code marker}: what the campaign must clean up. */
    static List<ProcessHandle> marked(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> commandLine(p.pid()).contains(marker))
                .toList();
    }

    static List<String> commandLine(long pid) {
        return nulSeparated(Path.of("/proc", Long.toString(pid), "cmdline"));
    }

    private static Map<String, String> environment(long pid) {
        Map<String, String> env = new HashMap<>();
        for (String entry : nulSeparated(Path.of("/proc", Long.toString(pid), "environ"))) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    private static List<String> nulSeparated(Path file) {
        try {
            String raw = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
        } catch (IOException | SecurityException e) {
            return List.of(); // gone meanwhile, or not ours to read
        }
    }

    private static int parsePort(String value) {
        try {
            return value == null ? -1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The port of an instance address such as {@code http://127.0.0.1:41235}. */
    static Optional<Integer> portOf(String address) {
        if (address == null) {
            return Optional.empty();
        }
        int colon = address.lastIndexOf(':');
        try {
            String tail = address.substring(colon + 1);
            int slash = tail.indexOf('/');
            return Optional.of(Integer.parseInt(slash < 0 ? tail : tail.substring(0, slash)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
