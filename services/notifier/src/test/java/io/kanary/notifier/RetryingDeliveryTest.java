package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryingDeliveryTest {
    private static final RetrySettings FAST = RetrySettings.DEFAULTS.withMaxAttempts(4)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5));

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 429, HttpAttempt.NO_ANSWER})
    void shouldRetryServerErrorsThrottlingAndNoAnswer(int status) {
        assertTrue(new HttpAttempt(status, status == 0 ? "ConnectException" : null).retryable());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410, 422})
    void shouldNotRetryOtherClientErrors(int status) {
        assertFalse(HttpAttempt.answered(status).retryable());
        assertFalse(HttpAttempt.answered(status).delivered());
    }

    @Test
    void shouldTryAgainAfterTwo503sAndDeliverOnTheThirdTry() throws Exception {
        Answers answers = new Answers(503, 503, 200);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        HttpAttempt last = new RetryingDelivery("test", "webhook", FAST, new NotifierMetrics(registry)).deliver(answers);

        assertEquals(200, last.status());
        assertEquals(3, answers.tries);
        assertEquals(2.0, registry.counter("kanary.notifier.deliveries", "target", "webhook", "outcome", "retried").count());
    }

    @Test
    void shouldStopAtTheFirst400() throws Exception {
        Answers answers = new Answers(400, 200);

        HttpAttempt last = new RetryingDelivery("test", "webhook", FAST, new NotifierMetrics(new SimpleMeterRegistry()))
                .deliver(answers);

        assertEquals(400, last.status());
        assertEquals(1, answers.tries);
    }

    @Test
    void shouldGiveUpAfterTheLastTry() throws Exception {
        Answers answers = new Answers(503, 503, 503, 503, 200);

        HttpAttempt last = new RetryingDelivery("test", "webhook", FAST, new NotifierMetrics(new SimpleMeterRegistry()))
                .deliver(answers);

        assertEquals(503, last.status());
        assertEquals(4, answers.tries);
    }

    @Test
    void shouldGiveUpWithoutAnOutcomeWhenInterruptedBetweenTries() throws Exception {
        Answers answers = new Answers(503, 503);
        RetrySettings slow = RetrySettings.DEFAULTS.withBackoff(Duration.ofMinutes(5), Duration.ofMinutes(5));
        RetryingDelivery delivery = new RetryingDelivery("test", "webhook", slow, new NotifierMetrics(new SimpleMeterRegistry()));
        java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
        Thread feed = new Thread(() -> {
            try {
                delivery.deliver(answers);
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        feed.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answers.tries == 1);

        feed.interrupt();

        assertTrue(thrown.get(30, java.util.concurrent.TimeUnit.SECONDS) instanceof InterruptedException);
        assertEquals(1, answers.tries);
    }

    @Test
    void shouldWaitAsLongAsRetryAfterAsksUpToTheLongestBackoff() {
        RetryingDelivery delivery = new RetryingDelivery("test", "webhook", RetrySettings.DEFAULTS.withBackoff(
                Duration.ofMillis(1), Duration.ofSeconds(30)), new NotifierMetrics(new SimpleMeterRegistry()));

        assertEquals(20_000, delivery.waitMillis(1, new HttpAttempt(429, null, Duration.ofSeconds(20))));
        assertEquals(30_000, delivery.waitMillis(1, new HttpAttempt(503, null, Duration.ofHours(1))));
        assertTrue(delivery.waitMillis(1, HttpAttempt.answered(503)) <= 2);
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
        java.time.Instant now = java.time.Instant.parse("2026-12-02T05:30:00Z");

        assertEquals(Duration.ofSeconds(120), HttpAttempt.retryAfter(" 120 ", now));
        assertEquals(Duration.ofSeconds(90), HttpAttempt.retryAfter("Wed, 02 Dec 2026 05:31:30 GMT", now));
        assertEquals(Duration.ZERO, HttpAttempt.retryAfter("Wed, 02 Dec 2026 05:00:00 GMT", now));
        assertEquals(null, HttpAttempt.retryAfter("soon", now));
    }

    /** A target that answers these statuses in turn. */
    private static final class Answers implements RetryingDelivery.Attempt {
        private final Deque<Integer> statuses;
        volatile int tries;

        Answers(Integer... statuses) {
            this.statuses = new ArrayDeque<>(List.of(statuses));
        }

        @Override
        public HttpAttempt send() {
            tries++;
            return HttpAttempt.answered(statuses.pop());
        }
    }
}
