package io.kanary.bench.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every alert says what happened and what to do, at a severity an Alertmanager route can match. */
class AlertAnnotationsTest {
    @Test
    void shouldGiveEveryAlertASummaryADescriptionAndASeverity() {
        List<KanaryAlertRules.Rule> rules = KanaryAlertRules.load();
        List<String> problems = new ArrayList<>();
        for (KanaryAlertRules.Rule rule : rules) {
            if (rule.annotations().path("summary").asText().isBlank()) {
                problems.add(rule.alert() + " has no summary");
            }
            if (rule.annotations().path("description").asText().length() < 100) {
                problems.add(rule.alert() + "'s description is too short to say what to do");
            }
            if (!Set.of("critical", "warning", "info").contains(rule.severity())) {
                problems.add(rule.alert() + " has severity '" + rule.severity() + "'");
            }
        }

        assertEquals(List.of(), problems);
        assertEquals(List.of("KanaryRolloutPastDeadline", "KanaryConsumerLagHigh", "KanaryConsumerLagGrowing",
                "KanaryDeadLettersGrowing", "KanaryExecutorSilent", "KanaryTargetDown", "KanaryRollbacks"),
                rules.stream().map(KanaryAlertRules.Rule::alert).toList());
    }
}
