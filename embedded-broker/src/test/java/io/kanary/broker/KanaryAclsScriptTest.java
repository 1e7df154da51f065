package io.kanary.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** infra/kafka/acls.sh says what KanaryAcls applies, command for command. */
class KanaryAclsScriptTest {
    @Test
    void shouldMatchTheAclsTheApplierCreates() throws Exception {
        List<String> script = Files.readAllLines(Path.of("..", "infra", "kafka", "acls.sh")).stream()
                .map(String::strip).filter(line -> line.startsWith("kafka_acls --add")).toList();
        assertEquals(KanaryAcls.asKafkaAclsCommands(), script);
    }
}
