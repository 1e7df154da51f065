package io.kanary.cli;

import io.kanary.cli.client.LocalCredential;
import io.kanary.cli.client.PlannerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options shared by the verbs that talk to the planner's HTTP API: where it is and the credential to show it. */
public final class PlannerOption {
    @Option(names = "--planner", defaultValue = "${KANARY_PLANNER:-http://127.0.0.1:8080}",
            description = "The planner's HTTP API (env KANARY_PLANNER; default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", defaultValue = "${KANARY_TOKEN}",
            description = "The API's bearer token (env KANARY_TOKEN). Prefer --token-file: a flag is visible to other users in ps.")
    String token;

    @Option(names = "--token-file", defaultValue = "${KANARY_TOKEN_FILE}",
            description = "A file holding the API's bearer token (env KANARY_TOKEN_FILE; default: the one 'kanary up' "
                    + "created, ~/.kanary/api-token).")
    Path tokenFile;

    public PlannerClient client() {
        return new PlannerClient(url, token());
    }

    /** --token, else --token-file, else the embedded default's token file if there is one, else none. */
    public String token() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        Path file = tokenFile != null ? tokenFile : LocalCredential.defaultFile(null);
        if (tokenFile == null && !Files.exists(file)) {
            return null;
        }
        try {
            return LocalCredential.read(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("the token file " + file + " does not exist ('kanary up' prints where it put its token)", 1);
        } catch (IOException e) {
            throw new UserError("cannot use the token file " + file + ": " + e.getMessage(), 1);
        }
    }
}
