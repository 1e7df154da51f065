package io.kanary.bench.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code infra/} folder, found from the bench module's base directory (Maven runs tests there). */
final class InfraDir {
    private InfraDir() {
    }

    static Path root() {
        Path infra = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../infra").normalize();
        if (!Files.isDirectory(infra)) {
            throw new IllegalStateException("no infra/ folder at " + infra + ": run the bench's tests from the bench module "
                    + "(Maven does), with the repository's infra/ beside it");
        }
        return infra;
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read infra/" + relative, e);
        }
    }
}
