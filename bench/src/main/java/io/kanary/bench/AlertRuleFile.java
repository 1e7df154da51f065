package io.kanary.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A Prometheus alerting-rules file with one group of one rule, as both the real servers and
 * promtool read it.
 */
public record AlertRuleFile(List<Group> groups) {
    public record Group(String name, String interval, List<Rule> rules) {
    }

    /** One alert; {@code for} is a Java keyword, hence the component's longer name. */
    public record Rule(String alert, String expr, @JsonProperty("for") String forDuration) {
    }

    /**
     * Group {@code canary}, evaluated every {@code interval}: {@code alert} fires once {@code expr} has
     * held for {@code forDuration}.
     */
    public static AlertRuleFile of(String alert, String expr, String interval, String forDuration) {
        return new AlertRuleFile(List.of(new Group("canary", interval, List.of(new Rule(alert, expr, forDuration)))));
    }

    public String yaml() {
        return Yaml.write(this);
    }
}
