package io.kanary.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} made at start with the JDK's own {@code keytool}
 * (run with an argv, never a shell): a PKCS12 key store for the broker and a PKCS12 trust store
 * holding only that certificate, for its clients.
 *
 * @param keyStore   the broker's key and certificate
 * @param trustStore the certificate alone, for clients
 * @param password   the password of both stores
 */
public record SelfSignedCertificate(Path keyStore, Path trustStore, String password) {
    public static final String STORE_TYPE = "PKCS12";
    private static final Duration KEYTOOL_WAIT = Duration.ofSeconds(60);
    private static final String ALIAS = "kanary-broker";
    private static final String PASSWORD_ENV = "KANARY_STORE_PASSWORD";
    static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    /** Makes the stores in {@code dir} (created if missing), or reuses those an earlier start made there. */
    public static SelfSignedCertificate inDirectory(Path dir) {
        Path keyStore = dir.resolve("broker.keystore.p12");
        Path trustStore = dir.resolve("broker.truststore.p12");
        Path passwordFile = dir.resolve("stores.password");
        try {
            Files.createDirectories(dir);
            if (Files.exists(keyStore) && Files.exists(trustStore) && Files.exists(passwordFile)) {
                return new SelfSignedCertificate(keyStore, trustStore, Files.readString(passwordFile).strip());
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            Files.deleteIfExists(keyStore);
            Files.deleteIfExists(trustStore);
            Path cert = dir.resolve("broker.crt");
            Files.deleteIfExists(cert);
            Files.deleteIfExists(passwordFile);
            keytool(password, "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-keystore", keyStore.toString(), "-storetype", STORE_TYPE, "-storepass:env", PASSWORD_ENV,
                    "-keypass:env", PASSWORD_ENV);
            keytool(password, "-exportcert", "-alias", ALIAS, "-rfc", "-file", cert.toString(),
                    "-keystore", keyStore.toString(), "-storetype", STORE_TYPE, "-storepass:env", PASSWORD_ENV);
            keytool(password, "-importcert", "-noprompt", "-alias", ALIAS, "-file", cert.toString(),
                    "-keystore", trustStore.toString(), "-storetype", STORE_TYPE, "-storepass:env", PASSWORD_ENV);
            Files.writeString(Files.createFile(passwordFile, OWNER_ONLY), password + "\n", StandardCharsets.UTF_8);
            return new SelfSignedCertificate(keyStore, trustStore, password);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot make the embedded broker's certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Runs keytool; the password goes through its environment, not its argv (which {@code ps} shows). */
    private static void keytool(String password, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put(PASSWORD_ENV, password);
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(KEYTOOL_WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
