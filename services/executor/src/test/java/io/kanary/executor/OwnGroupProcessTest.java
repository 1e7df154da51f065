package io.kanary.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnGroupProcessTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheWholeOutputWhenItIsShorterThanTheTail() throws IOException {
        Path out = Files.writeString(dir.resolve("short.log"), "backup done\n");

        assertEquals("backup done\n", OwnGroupProcess.tail(out, 4096));
    }

    @Test
    void shouldKeepTheLastBytesAndReplaceACharacterCutInHalf() throws IOException {
        // "é" is two bytes in UTF-8: a tail of 4 bytes starts in its middle.
        Path out = Files.write(dir.resolve("cut.log"), "café ok".getBytes(StandardCharsets.UTF_8));

        assertEquals("\uFFFD ok", OwnGroupProcess.tail(out, 4));
    }

    @Test
    void shouldSayNothingOfAFileThatIsNotThere() {
        assertNull(OwnGroupProcess.tail(dir.resolve("missing.log"), 4096));
    }
}
