package io.meshport.protocol;

/** Constants of the Meshport wire protocol, version 1. */
public final class Protocol {
    /** The protocol version this SDK speaks. */
    public static final int VERSION = 1;
    /** The port a host listens on unless configured otherwise. */
    public static final int DEFAULT_PORT = 18830;
    /** The address a host binds unless configured otherwise. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** The largest frame body a host accepts unless configured otherwise: 256 MiB. */
    public static final long DEFAULT_MAX_FRAME_BYTES = 256L * 1024 * 1024;
    /** The value of {@code hello}'s {@code server} field. */
    public static final String SERVER_NAME = "meshport";
    /** The longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 256;

    private Protocol() {
    }

    /**
     * Checks a session key against the key syntax: 1 to 256 bytes, {@code /}-separated segments of
     * {@code [A-Za-z0-9_.-]}, no empty, {@code .} or {@code ..} segment.
     *
     * @param key the key to check
     * @return null when the key is valid, else a sentence saying what is wrong with it
     */
    public static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "key is empty";
        }
        if (key.length() > MAX_KEY_BYTES) {
            return "key is " + key.length() + " bytes long, the limit is " + MAX_KEY_BYTES;
        }
        int segStart = 0;
        for (int i = 0; i <= key.length(); i++) {
            char c = i < key.length() ? key.charAt(i) : '/';
            if (c == '/') {
                int len = i - segStart;
                if (len == 0) {
                    return "key '" + key + "' has an empty segment at offset " + segStart;
                }
                if ((len == 1 && key.charAt(segStart) == '.')
                        || (len == 2 && key.charAt(segStart) == '.' && key.charAt(segStart + 1) == '.')) {
                    return "key '" + key + "' has a '" + key.substring(segStart, i) + "' segment";
                }
                segStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-')) {
                return "key '" + printable(key) + "' has the character " + describe(c) + " at offset " + i
                        + "; allowed are A-Z a-z 0-9 _ . - and / between segments";
            }
        }
        return null;
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : "?");
        }
        return b.toString();
    }
}
