package io.kanary.executor.driver;

import io.kanary.executor.driver.HostJournal.Entry;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an instance's process: the run spec's argv with no shell, in its own process group, its
 * output appended to the instance's log, an environment of the spec's variables, {@code PORT}, and
 * the markers that let a later executor recognise it; nothing else of the executor's environment
 * but what finds programs and reads text.
 */
final class ProcessLauncher {
    /** All a child gets from our environment: enough to find programs and read text, no secrets. */
    private static final Set<String> INHERITED_ENV = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");
    private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);

    private final Path logDir;
    private final String journalFile;
    private final Map<String, String> inheritedEnv;

    ProcessLauncher(Path logDir, String journalFile) {
        this.logDir = logDir;
        this.journalFile = journalFile;
        this.inheritedEnv = System.getenv().entrySet().stream()
                .filter(e -> INHERITED_ENV.contains(e.getKey()))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    Process launch(Entry entry) throws DriverException {
        String port = Integer.toString(entry.port());
        List<String> argv = entry.run().command().stream()
                .map(arg -> arg.replace(ProcessDriver.PORT_PLACEHOLDER, port))
                .toList();
        Map<String, String> env = new HashMap<>(inheritedEnv);
        env.putAll(entry.run().env());
        env.put("PORT", port);
        // Last, so that no run spec can pass itself off as another instance.
        env.put(ProcessDriver.JOURNAL_ENV, journalFile);
        env.put(ProcessDriver.INSTANCE_ENV, entry.instanceId());
        // setsid executes the program itself, so a missing program must be caught here to be named clearly.
        if (!Executables.isExecutable(argv.get(0), env.get("PATH"))) {
            throw new DriverException("cannot start " + entry.instanceId() + ": " + argv.get(0)
                    + ": No such file or directory (or not executable), looked up on PATH " + env.get("PATH"));
        }
        ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inOwnGroup(argv))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(new File(entry.log())));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            Files.createDirectories(logDir);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new DriverException("cannot start " + entry.instanceId() + ": " + e.getMessage(), e);
        }
        LOG.info("Launched {} (pid {}) on port {}, log {}", entry.instanceId(), process.pid(), port, entry.log());
        return process;
    }
}
