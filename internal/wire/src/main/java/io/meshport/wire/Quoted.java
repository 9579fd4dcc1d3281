package io.meshport.wire;

/**
 * Text a client sent, as an error message or a log line quotes it: cut after a number of characters
 * (saying how long it was) and with control characters escaped, so that a client can neither make the
 * host echo or log a 100,000-character name nor break a log line or a terminal with what it sends.
 */
public final class Quoted {
    /** How much of a name or value an error message quotes. */
    public static final int MAX = 100;

    private Quoted() {
    }

    /** @return {@link #quote(String, int)} with at most {@value #MAX} characters */
    public static String quote(String s) {
        return quote(s, MAX);
    }

    /**
     * Quotes client text: {@code 'text'}, or for longer text {@code 'its first max characters'... (N
     * characters)}, with control characters, line and paragraph separators and invisible formatting
     * characters (bidirectional overrides among them) escaped as {@code \n}, {@code \r}, {@code \t} or
     * {@code \}{@code uXXXX}.
     *
     * @param s the text, or null
     * @param max the most characters (code points) of it to quote
     * @return the quoted text; {@code null} for null
     */
    public static String quote(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 24).append('\'');
        int end = escape(s, max, b);
        b.append('\'');
        return end < s.length() ? b.append(more(s)).toString() : b.toString();
    }

    /**
     * The same without quote marks, for text that holds client text somewhere in it (a whole message,
     * an exception's message): at most {@code max} characters, then {@code ... (N characters)}.
     *
     * @param s the text, or null
     * @param max the most characters (code points) of it to keep
     * @return the bounded text; {@code null} for null
     */
    public static String bound(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 24);
        int end = escape(s, max, b);
        return end < s.length() ? b.append(more(s)).toString() : b.toString();
    }

    /** @return where in {@code s} the escaped copy of its first {@code max} code points ends */
    private static int escape(String s, int max, StringBuilder b) {
        int i = 0;
        for (int n = 0; i < s.length() && n < max; n++) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (invisible(cp)) {
                for (int k = i; k < i + len; k++) { // a supplementary character as its two UTF-16 units, as Java writes them
                    b.append(String.format("\\u%04X", (int) s.charAt(k)));
                }
            } else {
                b.append(s, i, i + len);
            }
            i += len;
        }
        return i;
    }

    private static boolean invisible(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT: // zero-width and bidirectional controls: text that reads otherwise than it is
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE: // a lone one, which no UTF-8 output can carry
                return true;
            default:
                return false;
        }
    }

    private static String more(String s) {
        return "... (" + s.codePointCount(0, s.length()) + " characters)";
    }
}
