package io.kanary.detector.input;

import java.util.Optional;

/** What makes a well-formed event unusable: the reason, or empty when it is fine. */
@FunctionalInterface
public interface Validator<T> {
    Optional<String> problem(String key, T event);
}
