package io.kanary.planner.state;

/** One rule a deploy request breaks: the field (JSON path) and the rule in words. */
public record Violation(String field, String rule) {
    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
