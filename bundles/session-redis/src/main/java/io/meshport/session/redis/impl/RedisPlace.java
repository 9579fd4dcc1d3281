package io.meshport.session.redis.impl;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where a session is kept in Redis, from its URI {@code redis://[[USER]:PASSWORD@]HOST[:PORT][/NAME]}: the
 * server, and the name that hosts sharing the session give (every key of the session starts with
 * {@code meshport:{NAME}:}).
 *
 * @param host the server's host
 * @param port its port
 * @param user the user to authenticate as, or null
 * @param password the password, or null
 * @param name the session's name
 */
record RedisPlace(String host, int port, String user, String password, String name) {
    static final int DEFAULT_PORT = 6379;
    static final String DEFAULT_NAME = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    static RedisPlace of(URI uri) {
        if (!"redis".equals(uri.getScheme())) {
            throw new IllegalArgumentException("'" + uri + "' is not a redis:// URI");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + uri + "' names no host; write redis://HOST:PORT/NAME");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("'" + uri + "' has a query or fragment; write redis://HOST:PORT/NAME");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.isEmpty() || path.equals("/") ? DEFAULT_NAME : path.substring(1);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a session name: 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        return new RedisPlace(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), user, password, name);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** @return the place as the log shows it, without a password */
    String display() {
        return "redis://" + (user != null ? user + "@" : "") + host + ":" + port + "/" + name;
    }

    @Override
    public String toString() {
        return display();
    }
}
