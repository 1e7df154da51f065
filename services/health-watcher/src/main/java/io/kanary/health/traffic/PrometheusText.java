package io.kanary.health.traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the series of chosen metric names from Prometheus' text exposition format (version 0.0.4,
 * which OpenMetrics' text shares for counters and histogram buckets): {@code name{label="value",...}
 * value [timestamp]} lines, with {@code #} comments ({@code # HELP}, {@code # TYPE}, {@code # EOF})
 * and blank lines skipped. A line of another metric is skipped after its name is read, so a large
 * exposition costs little beyond the families asked for.
 *
 * <p>Hand-written because Prometheus' Java client only writes the format, and the Java parsers
 * published apart from it are unmaintained.
 */
public final class PrometheusText {

    /** One series' value in a scrape. Timestamps are dropped: each read is taken as of its own time. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
        }
    }

    /** The exposition is not in the format: which line, and what was wrong with it. */
    public static final class FormatException extends RuntimeException {
        FormatException(int line, String problem) {
            super(line > 0 ? "line " + line + ": " + problem : problem);
        }
    }

    private PrometheusText() {
    }

    /**
     * The samples of every metric {@code wanted} accepts, in exposition order.
     *
     * @throws FormatException at the first line of a wanted metric that is not in the format
     */
    public static List<Sample> parse(CharSequence text, Predicate<String> wanted) {
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = start;
            while (end < length && text.charAt(end) != '\n') {
                end++;
            }
            lineNo++;
            Sample sample = new LineReader(text, start, end, lineNo).read(wanted);
            if (sample != null) {
                samples.add(sample);
            }
            start = end + 1;
        }
        return samples;
    }

    /** One line, read left to right. */
    private static final class LineReader {
        private final CharSequence text;
        private final int end;
        private final int lineNo;
        private int pos;

        LineReader(CharSequence text, int start, int end, int lineNo) {
            this.text = text;
            this.pos = start;
            // A CRLF exposition ends each line in \r: not part of the value.
            this.end = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            this.lineNo = lineNo;
        }

        Sample read(Predicate<String> wanted) {
            skipBlanks();
            if (pos >= end || text.charAt(pos) == '#') {
                return null;
            }
            String name = name();
            if (name.isEmpty()) {
                throw fail("expected a metric name, found '" + text.charAt(pos) + "'");
            }
            if (!wanted.test(name)) {
                return null;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            skipBlanks();
            if (pos < end && text.charAt(pos) == '{') {
                pos++;
                labels(labels);
            }
            skipBlanks();
            double value = value(token());
            skipBlanks();
            if (pos < end) {
                timestamp(token());
            }
            skipBlanks();
            if (pos < end) {
                throw fail("unexpected text after the value: '" + text.subSequence(pos, end) + "'");
            }
            return new Sample(name, labels, value);
        }

        private void labels(Map<String, String> labels) {
            while (true) {
                skipBlanks();
                if (pos < end && text.charAt(pos) == '}') {
                    pos++;
                    return;
                }
                String label = name();
                if (label.isEmpty()) {
                    throw fail("expected a label name or '}'");
                }
                skipBlanks();
                expect('=');
                skipBlanks();
                expect('"');
                labels.put(label, quoted());
                skipBlanks();
                if (pos < end && text.charAt(pos) == ',') {
                    pos++;
                } else if (pos >= end || text.charAt(pos) != '}') {
                    throw fail("expected ',' or '}' after label " + label);
                }
            }
        }

        /** A label value after its opening quote, with {@code \\}, {@code \"} and {@code \n} unescaped. */
        private String quoted() {
            StringBuilder value = new StringBuilder();
            while (pos < end) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (pos >= end) {
                        break;
                    }
                    char escaped = text.charAt(pos++);
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        default -> value.append('\\').append(escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            throw fail("a label value is not closed by '\"'");
        }

        private String name() {
            int from = pos;
            while (pos < end && isNameChar(text.charAt(pos), pos == from)) {
                pos++;
            }
            return text.subSequence(from, pos).toString();
        }

        private static boolean isNameChar(char c, boolean first) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
        }

        private String token() {
            int from = pos;
            while (pos < end && text.charAt(pos) != ' ' && text.charAt(pos) != '\t') {
                pos++;
            }
            return text.subSequence(from, pos).toString();
        }

        private double value(String token) {
            if (token.isEmpty()) {
                throw fail("a sample has no value");
            }
            try {
                return number(token);
            } catch (NumberFormatException e) {
                throw fail("'" + token + "' is not a number");
            }
        }

        private void timestamp(String token) {
            try {
                Long.parseLong(token);
            } catch (NumberFormatException e) {
                // OpenMetrics writes timestamps in seconds, with a fraction.
                value(token);
            }
        }

        private void expect(char c) {
            if (pos >= end || text.charAt(pos) != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private void skipBlanks() {
            while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private FormatException fail(String problem) {
            return new FormatException(lineNo, problem);
        }
    }

    /** Parses a Prometheus {@code le} or value: a number, {@code +Inf}, {@code -Inf} or {@code NaN}. */
    public static double number(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
