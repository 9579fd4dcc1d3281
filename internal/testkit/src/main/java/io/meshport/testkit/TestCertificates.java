package io.meshport.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS identity for tests, made by the JDK's own {@code keytool} (so nothing needs
 * installing): a PKCS#12 key store, the same certificate and key as PEM files, and the certificate's
 * SHA-256 fingerprint. The certificate names {@code localhost} and {@code 127.0.0.1}.
 *
 * @param keyStore the PKCS#12 file
 * @param password its password
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key, PKCS#8 PEM
 * @param sha256 the certificate's SHA-256 fingerprint, lower-case hex
 */
public record TestCertificates(Path keyStore, String password, Path certificatePem, Path privateKeyPem, String sha256) {

    /**
     * Makes an identity in a folder, or takes the one made there before under that name (so that a
     * test configuration called twice sees one identity).
     *
     * @param dir the folder (created when missing)
     * @param name a name for the files and the certificate's subject
     * @return the identity
     */
    public static TestCertificates create(Path dir, String name) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path ks = dir.resolve(name + ".p12");
        String password = "test-" + name;
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.exists(ks)) {
            generate(keytool, ks, name, password);
        }
        return read(dir, ks, name, password);
    }

    private static void generate(Path keytool, Path ks, String name, String password) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, O=Meshport test " + name, "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    private static TestCertificates read(Path dir, Path ks, String name, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, password.toCharArray());
        }
        Certificate cert = store.getCertificate(name);
        Key key = store.getKey(name, password.toCharArray());
        Path certPem = dir.resolve(name + ".crt.pem");
        Path keyPem = dir.resolve(name + ".key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        return new TestCertificates(ks, password, certPem, keyPem, sha);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** @return the fingerprint as openssl prints it: upper-case pairs joined by colons */
    public String sha256WithColons() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sha256.length(); i += 2) {
            s.append(i == 0 ? "" : ":").append(sha256.substring(i, i + 2).toUpperCase());
        }
        return s.toString();
    }

    /** @return the listener settings that serve this identity from its key store, as name/value pairs */
    public List<String> keyStoreSettings() {
        return List.of("tlsKeyStore", keyStore.toAbsolutePath().toString(), "tlsKeyStorePassword", password);
    }
}
