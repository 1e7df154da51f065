package io.kanary.executor;

import io.kanary.schema.HostCommand;
import java.util.Optional;

/** What makes a readable host command unusable; such records go to the DLQ with this reason. */
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

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
