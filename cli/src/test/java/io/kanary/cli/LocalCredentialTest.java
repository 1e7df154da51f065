package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.cli.client.LocalCredential;
import io.kanary.planner.http.auth.Role;
import io.kanary.planner.http.auth.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCredentialTest {
    @Test
    void shouldCreateAnOwnerOnlyTokenFileAndReuseIt(@TempDir Path dir) throws Exception {
        Path file = LocalCredential.defaultFile(dir.resolve("data"));
        assertEquals(dir.resolve("data").resolve("api-token"), file);
        LocalCredential first = LocalCredential.createOrRead(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(first.token().startsWith(TokenStore.TOKEN_PREFIX), first.token());
        assertEquals(first.token() + "\n", Files.readString(file));
        assertEquals(first.token(), LocalCredential.createOrRead(file).token());
        assertEquals(Role.OPERATOR, LocalCredential.principal().role());
    }

    @Test
    void shouldRefuseATokenFileOthersCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "kanary_abc\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        PlannerOption option = new PlannerOption();
        option.tokenFile = file;
        UserError refused = assertThrows(UserError.class, option::token);
        assertTrue(refused.getMessage().contains("readable by others (rw-r--r--); chmod 600"), refused.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals("kanary_abc", option.token());
        option.token = " kanary_flag ";
        assertEquals("kanary_flag", option.token());
        option.token = null;
        option.tokenFile = dir.resolve("missing");
        assertTrue(assertThrows(UserError.class, option::token).getMessage().contains("does not exist"));
    }

    @Test
    void shouldSendNoTokenWhenNoneIsConfiguredAndNoDefaultFileExists(@TempDir Path home) {
        String was = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            assertNull(new PlannerOption().token());
        } finally {
            System.setProperty("user.home", was);
        }
    }
}
