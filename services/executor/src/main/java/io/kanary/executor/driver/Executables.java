package io.kanary.executor.driver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a program can be run, checked before starting it so the error names the program, not errno. */
public final class Executables {
    private Executables() {
    }

    /** True if {@code program} (a path, or a name looked up in {@code path}, a PATH value) is executable. */
    public static boolean isExecutable(String program, String path) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
