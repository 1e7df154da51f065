package io.kanary.cli.client;

import io.kanary.cli.UserError;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.planner.http.auth.TokenStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The embedded default's API credential: an operator token in a file only its owner can read
 * ({@code 0600}), created by {@code kanary up} on first use and reused afterwards, so that the CLI
 * (which reads the same file by default) and every later {@code kanary up} agree on it. The
 * planner keeps only its hash.
 *
 * @param file  where the token is
 * @param token the token itself
 */
public record LocalCredential(Path file, String token) {
    public static final String FILE_NAME = "api-token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The principal the embedded default's token stands for. */
    public static Principal principal() {
        return new Principal("local:" + System.getProperty("user.name", "user").replaceAll("\\s", "_"), Role.OPERATOR);
    }

    /** {@code <data-dir>/api-token}, or {@code ~/.kanary/api-token} without a data directory. */
    public static Path defaultFile(Path dataDir) {
        return dataDir != null ? dataDir.resolve(FILE_NAME) : Path.of(System.getProperty("user.home"), ".kanary", FILE_NAME);
    }

    /** Reads the token in {@code file}, or creates the file with a new token (readable by its owner alone). */
    public static LocalCredential createOrRead(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                String token = TokenStore.newToken();
                try {
                    // Created with its final permissions: there is no moment when others could read it.
                    Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)),
                            (token + "\n").getBytes(StandardCharsets.UTF_8));
                    return new LocalCredential(file, token);
                } catch (FileAlreadyExistsException raced) {
                    // Another kanary up created it a moment ago: use theirs.
                }
            }
            return new LocalCredential(file, read(file));
        } catch (IOException | UnsupportedOperationException e) {
            throw new UserError("cannot create the API token file " + file + ": " + e.getMessage()
                    + "; give a writable --data-dir", 1);
        }
    }

    /** The token in a token file (its first line), refusing a file that others may read. */
    public static String read(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
            throw new IOException("it is readable by others (" + PosixFilePermissions.toString(permissions)
                    + "); chmod 600 " + file);
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty() || token.contains("\n")) {
            throw new IOException("it must hold one token on one line");
        }
        return token;
    }
}
