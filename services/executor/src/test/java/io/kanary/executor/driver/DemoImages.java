package io.kanary.executor.driver;

import java.nio.file.Path;

/**
 * What {@link DockerEngines} needs of the demo images, which live in the demo-app module
 * ({@link io.kanary.demo.DemoImages}): tests in this package import that class by name.
 */
final class DemoImages {
    static final Path DEFAULT_BUSYBOX = io.kanary.demo.DemoImages.DEFAULT_BUSYBOX;

    private DemoImages() {
    }
}
