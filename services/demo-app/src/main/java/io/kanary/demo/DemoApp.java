package io.kanary.demo;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A tiny HTTP service with a configurable version, failure rate and latency: what kanary rolls
 * out in its demo fleet. The executor launches it as its own JVM, so it starts with as little as
 * Vert.x needs: one event loop, no file cache.
 */
public final class DemoApp implements AutoCloseable {
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final DemoVerticle verticle;

    private DemoApp(Vertx vertx, DemoVerticle verticle) {
        this.vertx = vertx;
        this.verticle = verticle;
    }

    /** Starts the app and returns once it listens. */
    public static DemoApp start(DemoAppConfig config) {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                // Nothing is served from the classpath, so no cache directory is needed.
                .setFileSystemOptions(new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        DemoVerticle verticle = new DemoVerticle(config);
        try {
            vertx.deployVerticle(verticle).await();
            return new DemoApp(vertx, verticle);
        } catch (Exception e) {
            // await() rethrows the listen failure as is, e.g. a java.net.BindException.
            vertx.close();
            throw new IllegalStateException("cannot listen on port " + config.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return verticle.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().await(CLOSE_WAIT);
        } catch (TimeoutException e) {
            System.err.println("demo-app: Vert.x did not close within " + CLOSE_WAIT.toSeconds() + " s");
        }
    }

    public static void main(String[] args) {
        DemoApp app;
        DemoAppConfig config;
        try {
            config = DemoAppConfig.fromEnv(System.getenv());
            app = start(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The executor shows the last lines of this output when an instance does not come up.
            System.err.println("demo-app: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "demo-app-shutdown"));
        System.out.println("demo-app " + config.version() + " listening on " + app.port());
    }
}
