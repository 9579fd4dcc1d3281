package io.meshport.listener.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The listener's TLS identity, from a PKCS#12 key store or from PEM files (a certificate chain and a
 * PKCS#8 private key, as {@code openssl} and most certificate tools write them). Any problem is an
 * {@link IllegalArgumentException} naming the file and what was wrong: the listener then does not
 * start, rather than falling back to plaintext.
 */
final class TlsContexts {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /**
     * @param keyStore a PKCS#12 file holding one private key and its certificate chain
     * @param password its password (may be empty)
     * @return the server context
     */
    static SSLContext fromPkcs12(Path keyStore, String password) {
        char[] pw = password.toCharArray();
        KeyStore ks;
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
        } catch (IOException e) {
            String why = e.getCause() instanceof java.security.UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")
                    ? "wrong password (tlsKeyStorePassword)" : e.getMessage();
            throw new IllegalArgumentException("tlsKeyStore " + keyStore + " cannot be read: " + why);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tlsKeyStore " + keyStore + " is not a usable PKCS#12 key store: " + e.getMessage());
        }
        return context(ks, pw, "tlsKeyStore " + keyStore);
    }

    /**
     * @param certificate a PEM file with the certificate, then the chain up to the CA
     * @param privateKey a PEM file with the private key in PKCS#8 ({@code BEGIN PRIVATE KEY})
     * @return the server context
     */
    static SSLContext fromPem(Path certificate, Path privateKey) {
        List<Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(certificate, "CERTIFICATE", "tlsCertificate")) {
                chain.add(cf.generateCertificate(new java.io.ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tlsCertificate " + certificate + " holds a certificate that cannot be read: " + e.getMessage());
        }
        List<byte[]> keys = blocks(privateKey, "PRIVATE KEY", "tlsPrivateKey");
        PrivateKey key = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
                break;
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("tlsPrivateKey " + privateKey + " holds no RSA, EC or EdDSA key this JDK can read");
        }
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("tlsCertificate " + certificate + " does not go with tlsPrivateKey " + privateKey
                    + ": the key is not the certificate's (check that both files come from the same request)");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("meshport", key, pw, chain.toArray(new Certificate[0]));
            return context(ks, pw, "tlsCertificate " + certificate + " with tlsPrivateKey " + privateKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tlsCertificate " + certificate + " does not go with tlsPrivateKey " + privateKey + ": "
                    + e.getMessage());
        }
    }

    /** @return true when the key signs what the certificate's public key verifies */
    private static boolean matches(PrivateKey key, Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "meshport".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature sign = java.security.Signature.getInstance(alg);
            sign.initSign(key);
            sign.update(probe);
            byte[] sig = sign.sign();
            java.security.Signature verify = java.security.Signature.getInstance(alg);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            return verify.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<byte[]> blocks(Path file, String type, String setting) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e);
        }
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String found = m.group(1);
            if (found.equals(type)) {
                try {
                    out.add(Base64.getMimeDecoder().decode(m.group(2).trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(setting + " " + file + ": the " + type + " block is not valid base64");
                }
            } else if (type.equals("PRIVATE KEY") && (found.equals("RSA PRIVATE KEY") || found.equals("EC PRIVATE KEY")
                    || found.equals("ENCRYPTED PRIVATE KEY"))) {
                throw new IllegalArgumentException(setting + " " + file + " holds a " + found + "; convert it to an unencrypted PKCS#8 key"
                        + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem), or use a PKCS#12 key store (tlsKeyStore)");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(setting + " " + file + " holds no PEM block '-----BEGIN " + type + "-----'");
        }
        return out;
    }

    private static SSLContext context(KeyStore ks, char[] pw, String what) {
        try {
            if (!ks.aliases().hasMoreElements()) {
                throw new IllegalArgumentException(what + " holds no key");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            engine(ctx); // fails here, not at the first client, when the key cannot serve TLS
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " cannot serve TLS: " + e.getMessage());
        }
    }

    /** @return a server engine offering TLS 1.3 and 1.2 only */
    static SSLEngine engine(SSLContext ctx) {
        SSLEngine e = ctx.createSSLEngine();
        e.setUseClientMode(false);
        e.setEnabledProtocols(PROTOCOLS);
        return e;
    }
}
