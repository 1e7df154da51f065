package io.kanary.bench.infra;

import java.util.ArrayList;
import java.util.List;

/**
 * prometheus.yml keeps its split-mode jobs commented (an unused mode must not raise KanaryTargetDown);
 * this is the same file with that block uncommented and the embedded job left out, so the build checks
 * what an operator gets by following the file's own instructions.
 */
final class SplitModeConfig {
    static final String BEGIN = "# --- split mode";
    static final String END = "# --- end split mode";
    private static final String EMBEDDED_JOB = "- job_name: kanary";

    private SplitModeConfig() {
    }

    static String of(String prometheusYml) {
        List<String> out = new ArrayList<>();
        boolean inSplit = false;
        boolean inEmbeddedJob = false;
        boolean sawBlock = false;
        for (String line : prometheusYml.lines().toList()) {
            String stripped = line.strip();
            if (stripped.equals(BEGIN)) {
                inSplit = true;
                sawBlock = true;
                continue;
            }
            if (stripped.equals(END)) {
                inSplit = false;
                continue;
            }
            if (inSplit) {
                out.add(line.replaceFirst("# ", ""));
                continue;
            }
            if (stripped.equals(EMBEDDED_JOB)) {
                inEmbeddedJob = true;
                continue;
            }
            // The embedded job ends at the next line that is not one of its indented settings.
            if (inEmbeddedJob && (stripped.isEmpty() || stripped.startsWith("#") || !line.startsWith("    "))) {
                inEmbeddedJob = false;
            }
            if (!inEmbeddedJob) {
                out.add(line);
            }
        }
        if (!sawBlock || inSplit) {
            throw new IllegalArgumentException("prometheus.yml has no split-mode block between '" + BEGIN + "' and '"
                    + END + "'");
        }
        return String.join("\n", out) + "\n";
    }
}
