package io.kanary.executor;

import io.kanary.executor.driver.DockerDriver;
import io.kanary.schema.HostCommand;
import io.kanary.security.Refusal;
import io.kanary.security.RunAllowList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What makes a readable host command unusable ({@link #problem}: such records go to the DLQ with
 * the reason), and what this executor refuses to run whoever asked ({@link #refusal}: answered
 * with host.command.failed).
 */
final class CommandValidator {
    private CommandValidator() {
    }

    static Optional<String> problem(String key, HostCommand command) {
        if (key == null) {
            return Optional.of("the record has no key; host.commands is keyed by host id");
        }
        if (command == null) {
            return Optional.of("the record has no value");
        }
        if (blank(command.eventId())) {
            return Optional.of("the command has no eventId (its command id)");
        }
        if (command.schemaVersion() < 1) {
            return Optional.of("the command has no schemaVersion (it is 1)");
        }
        if (!key.equals(command.hostId())) {
            return Optional.of("the command is for host '" + command.hostId() + "' but its record key is '" + key + "'");
        }
        if (blank(command.service())) {
            return Optional.of("the command has no service");
        }
        if (blank(command.deploymentId())) {
            return Optional.of("the command has no deploymentId");
        }
        if (command.issuedAt() == null) {
            return Optional.of("the command has no issuedAt");
        }
        if (command instanceof HostCommand.Deploy deploy) {
            if (blank(deploy.version())) {
                return Optional.of("the deploy command has no version");
            }
            if (deploy.run() == null) {
                return Optional.of("the deploy command has no run spec");
            }
        }
        return Optional.empty();
    }

    /**
     * Why this executor will not carry out {@code command}: a deploy whose executable (process
     * driver) or image (docker driver), or whose loader environment, is not on the service's
     * allow-list. Checked here, not only by the planner, because anyone who can write to
     * host.commands could otherwise skip the planner.
     */
    static Optional<String> refusal(HostCommand command, String driver, RunAllowList allowList) {
        if (!(command instanceof HostCommand.Deploy deploy)) {
            return Optional.empty(); // a rollback or stop only runs what a checked deploy started
        }
        List<Refusal> refusals = DockerDriver.KIND.equals(driver)
                ? allowList.checkContainer(deploy.service(), deploy.run())
                : allowList.checkProcess(deploy.service(), deploy.run());
        return refusals.isEmpty() ? Optional.empty() : Optional.of("refused by the executor's allow-list: "
                + refusals.stream().map(Refusal::toString).collect(Collectors.joining("; ")));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
