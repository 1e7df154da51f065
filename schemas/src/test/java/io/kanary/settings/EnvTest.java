package io.kanary.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
    private static final Env ENV = Env.of(Map.of("PORT", " 8081 ", "BLANK", "  ", "RATE", "0.25", "TIMEOUT_MS", "1500",
            "DEADLINE_SECONDS", "30", "ON", "Yes", "OFF", "0", "DIR", "/var/lib/kanary", "WORD", "eighty", "BIG", "3000000000"));

    @Test
    void shouldReadEachTypeAndIgnoreSurroundingSpace() {
        assertEquals(8081, ENV.wholeNumber("PORT", 1));
        assertEquals(3_000_000_000L, ENV.longNumber("BIG", 1));
        assertEquals(0.25, ENV.number("RATE", 1));
        assertEquals(Duration.ofMillis(1500), ENV.millis("TIMEOUT_MS", Duration.ZERO));
        assertEquals(Duration.ofSeconds(30), ENV.seconds("DEADLINE_SECONDS", Duration.ZERO));
        assertTrue(ENV.flag("ON", false));
        assertFalse(ENV.flag("OFF", true));
        assertEquals(Path.of("/var/lib/kanary"), ENV.path("DIR", null));
        assertEquals("8081", ENV.text("PORT"));
    }

    @Test
    void shouldTakeTheFallbackWhenUnsetOrBlank() {
        assertEquals(7, ENV.wholeNumber("UNSET", 7));
        assertEquals(7, ENV.wholeNumber("BLANK", 7));
        assertEquals(Duration.ofSeconds(2), ENV.millis("BLANK", Duration.ofSeconds(2)));
        assertTrue(ENV.flag("UNSET", true));
        assertNull(ENV.text("BLANK"));
        assertEquals("x", ENV.text("UNSET", "x"));
    }

    @Test
    void shouldNameTheVariableWhatItMustBeAndWhatItWas() {
        assertEquals("WORD must be a whole number, was 'eighty'",
                assertThrows(IllegalArgumentException.class, () -> ENV.wholeNumber("WORD", 1)).getMessage());
        assertEquals("BIG must be a whole number, was '3000000000'",
                assertThrows(IllegalArgumentException.class, () -> ENV.wholeNumber("BIG", 1)).getMessage());
        assertEquals("RATE must be a whole number of milliseconds, was '0.25'",
                assertThrows(IllegalArgumentException.class, () -> ENV.millis("RATE", Duration.ZERO)).getMessage());
        assertEquals("WORD must be a whole number of seconds, was 'eighty'",
                assertThrows(IllegalArgumentException.class, () -> ENV.seconds("WORD", Duration.ZERO)).getMessage());
        assertEquals("WORD must be a finite number, was 'eighty'",
                assertThrows(IllegalArgumentException.class, () -> ENV.number("WORD", 1)).getMessage());
        assertEquals("NAN must be a finite number, was 'NaN'",
                assertThrows(IllegalArgumentException.class, () -> Env.of(Map.of("NAN", "NaN")).number("NAN", 1)).getMessage());
        assertEquals("PORT must be true or false, was '8081'",
                assertThrows(IllegalArgumentException.class, () -> ENV.flag("PORT", false)).getMessage());
    }
}
