package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UndecodableRecordsTest {
    @Test
    void shouldListTheFirstThousandOfATopicInOffsetOrderAndCountTheRest() {
        UndecodableRecords records = new UndecodableRecords();
        for (int i = 1_004; i >= 0; i--) {
            records.add(new UndecodableRecord("health.probes", 0, i, "k", "no value"));
        }
        records.add(new UndecodableRecord("deploy.events", 1, 7, "k", "no value"));

        List<UndecodableRecord> listed = records.listed();
        assertEquals(1_001, listed.size());
        assertEquals(List.of("deploy.events@7", "health.probes@5", "health.probes@6"), listed.subList(0, 3).stream()
                .map(u -> u.topic() + "@" + u.offset()).toList());
        assertEquals(List.of("5 more undecodable records on health.probes are not listed (the first 1000 are)"),
                records.problems());
    }
}
