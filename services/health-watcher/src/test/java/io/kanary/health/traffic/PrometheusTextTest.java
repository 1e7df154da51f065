package io.kanary.health.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void shouldReadNameLabelsAndValueSkippingCommentsAndTypeLines() {
        String text = """
                # HELP http_server_requests_seconds Duration of HTTP server request handling
                # TYPE http_server_requests_seconds histogram
                http_server_requests_seconds_count{method="GET",status="200",uri="/"} 42.0

                http_server_requests_seconds_count{method="GET",status="500",uri="/"} 3
                """;

        List<PrometheusText.Sample> samples = PrometheusText.parse(text, "http_server_requests_seconds_count"::equals);

        assertEquals(List.of(
                new PrometheusText.Sample("http_server_requests_seconds_count",
                        Map.of("method", "GET", "status", "200", "uri", "/"), 42.0),
                new PrometheusText.Sample("http_server_requests_seconds_count",
                        Map.of("method", "GET", "status", "500", "uri", "/"), 3.0)), samples);
    }

    @Test
    void shouldUnescapeQuotesBackslashesAndNewlinesInLabelValues() {
        String text = "m{path=\"/a\\\"b\\\\c\\nd\",x=\"}, =\"} 1\n";

        List<PrometheusText.Sample> samples = PrometheusText.parse(text, "m"::equals);

        assertEquals(List.of(new PrometheusText.Sample("m", Map.of("path", "/a\"b\\c\nd", "x", "}, ="), 1.0)), samples);
    }

    @Test
    void shouldReadInfinitiesNaNAndExponentsAndIgnoreTimestamps() {
        String text = """
                b{le="+Inf"} +Inf 1700000000000
                b{le="0.005"} -Inf
                b{le="1"} NaN
                b{le="2"} 1.5e3 1700000000.123
                b 7
                """;

        List<PrometheusText.Sample> samples = PrometheusText.parse(text, "b"::equals);

        assertEquals(5, samples.size());
        assertEquals(Double.POSITIVE_INFINITY, samples.get(0).value());
        assertEquals(Double.NEGATIVE_INFINITY, samples.get(1).value());
        assertTrue(Double.isNaN(samples.get(2).value()));
        assertEquals(1500.0, samples.get(3).value());
        assertEquals(new PrometheusText.Sample("b", Map.of(), 7.0), samples.get(4));
    }

    @Test
    void shouldIgnoreFamiliesNotAskedForEvenWhenTheirLinesAreNotInTheFormat() {
        String text = """
                jvm_memory_used_bytes{area="heap"} 1.2E7
                other_metric{broken="no closing quote} ???
                wanted{a="1"} 2
                wanted_total 3
                # EOF
                """;

        List<PrometheusText.Sample> samples = PrometheusText.parse(text, "wanted"::equals);

        assertEquals(List.of(new PrometheusText.Sample("wanted", Map.of("a", "1"), 2.0)), samples);
    }

    @Test
    void shouldReadCrlfLinesAndSpacesAroundLabels() {
        String text = "m{ a = \"1\" , b=\"2\", } 4\r\nm 5\r\n";

        List<PrometheusText.Sample> samples = PrometheusText.parse(text, "m"::equals);

        assertEquals(List.of(new PrometheusText.Sample("m", Map.of("a", "1", "b", "2"), 4.0),
                new PrometheusText.Sample("m", Map.of(), 5.0)), samples);
    }

    @Test
    void shouldRefuseAWantedLineThatIsNotInTheFormatNamingTheLine() {
        assertEquals("line 2: a label value is not closed by '\"'", assertThrows(PrometheusText.FormatException.class,
                () -> PrometheusText.parse("m 1\nm{a=\"x} 2\n", "m"::equals)).getMessage());
        assertEquals("line 1: 'many' is not a number", assertThrows(PrometheusText.FormatException.class,
                () -> PrometheusText.parse("m{a=\"x\"} many\n", "m"::equals)).getMessage());
        assertEquals("line 1: a sample has no value", assertThrows(PrometheusText.FormatException.class,
                () -> PrometheusText.parse("m{a=\"x\"}\n", "m"::equals)).getMessage());
        assertEquals("line 1: unexpected text after the value: 'extra'", assertThrows(PrometheusText.FormatException.class,
                () -> PrometheusText.parse("m 1 2 extra\n", "m"::equals)).getMessage());
        assertEquals("line 1: expected a metric name, found '{'", assertThrows(PrometheusText.FormatException.class,
                () -> PrometheusText.parse("{a=\"x\"} 1\n", "m"::equals)).getMessage());
    }
}
