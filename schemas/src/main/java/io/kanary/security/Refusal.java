package io.kanary.security;

/** Why a run spec may not run: the field at fault and the rule it breaks, as a sentence. */
public record Refusal(String field, String rule) {
    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
