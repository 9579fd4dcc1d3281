package io.meshport.web.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.meshport.support.SettingValues;

/**
 * The page's settings in one validated value, read as the listener reads its own: the framework
 * property {@code meshport.web.<name>} (the launcher's command line) wins, then the configuration (PID
 * {@value #PID}), then the default. An invalid number is reported and replaced by its default; an
 * address that cannot be used stops the page, since guessing where to listen would be unsafe.
 */
final class WebSettings {
    /** The configuration PID. */
    static final String PID = "io.meshport.web";
    /** The prefix of framework properties that override the configuration. */
    static final String FRAMEWORK_PROPERTY_PREFIX = "meshport.web.";
    /** The page's default port: not the protocol's 18830, so both can run with their defaults. */
    static final int DEFAULT_PORT = 18880;
    static final int DEFAULT_MAX_STREAMS = 32;

    final boolean enabled;
    final InetAddress bindAddress;
    /** The bind address as configured (a literal or a name): the page answers to that name too. */
    final String bindText;
    final int port;
    final boolean allowInsecureBind;
    /** Live event streams served at once (each holds one server thread); more get 503. */
    final int maxStreams;

    private WebSettings(boolean enabled, InetAddress bindAddress, String bindText, int port, boolean allowInsecureBind, int maxStreams) {
        this.enabled = enabled;
        this.bindAddress = bindAddress;
        this.bindText = bindText;
        this.port = port;
        this.allowInsecureBind = allowInsecureBind;
        this.maxStreams = maxStreams;
    }

    /** @return settings for tests: loopback, the given port, enabled */
    static WebSettings of(int port) {
        return new WebSettings(true, InetAddress.getLoopbackAddress(), "127.0.0.1", port, false, DEFAULT_MAX_STREAMS);
    }

    /**
     * @param config the configuration's properties, may be empty
     * @param framework looks up a framework property, null when unset
     * @param problems receives one sentence per invalid value replaced by its default
     * @return the settings
     * @throws IllegalArgumentException when the bind address is not an address of this machine
     */
    static WebSettings from(Map<String, ?> config, Function<String, String> framework, List<String> problems) {
        Function<String, Object> raw = name -> {
            String fw = framework.apply(FRAMEWORK_PROPERTY_PREFIX + name);
            return fw != null && !fw.isBlank() ? fw.trim() : config.get(name);
        };
        Object e = raw.apply("enabled");
        boolean enabled = e == null || !"false".equalsIgnoreCase(String.valueOf(e).trim()) && !"off".equalsIgnoreCase(String.valueOf(e).trim());
        Object p = raw.apply("port");
        if (p != null && "off".equalsIgnoreCase(String.valueOf(p).trim())) {
            enabled = false; // --web-port off
            p = null;
        }
        String bind = raw.apply("bindAddress") == null ? "127.0.0.1" : String.valueOf(raw.apply("bindAddress")).trim();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException ex) {
            throw new IllegalArgumentException("bindAddress '" + bind + "' is not an address of this machine: " + ex.getMessage());
        }
        int port = (int) SettingValues.number(p, "port", DEFAULT_PORT, 0, 65535, problems);
        int streams = (int) SettingValues.number(raw.apply("maxStreams"), "maxStreams", DEFAULT_MAX_STREAMS, 1, 1000, problems);
        Object insecure = raw.apply("allowInsecureBind");
        return new WebSettings(enabled, address, bind, port, insecure != null && Boolean.parseBoolean(String.valueOf(insecure).trim()), streams);
    }

    /**
     * @param tokenRequired whether the socket (and so the page) asks for a token
     * @return why the page must not listen where it is configured to, or null when it may
     */
    String unsafeBind(boolean tokenRequired) {
        if (bindAddress.isLoopbackAddress() || tokenRequired || allowInsecureBind) {
            return null;
        }
        return "refusing to serve the page on " + bindAddress.getHostAddress() + " without a token: anyone who can reach it"
                + " could see and change the session. Give the host a token (the listener's token or tokenFile, or"
                + " --token-file), or set allowInsecureBind=true in " + PID + " to accept the risk.";
    }
}
