package io.meshport.samples.scatter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which source attributes a scatter carries onto its points, written the way Houdini users expect:
 * names and {@code *} globs separated by spaces or commas, a leading {@code ^} excluding what the
 * token matches. Tokens apply left to right and the last one that matches a name decides, so
 * {@code "* ^Alpha"} is everything but {@code Alpha}, while {@code "^Alpha *"} is everything; a
 * selection that starts with an exclusion excludes from nothing. The empty string selects nothing.
 *
 * <p>Immutable. Matching is case-sensitive, as attribute names are.
 */
public final class AttributeSelection {
    private static final AttributeSelection NONE = new AttributeSelection("", new String[0], new boolean[0]);

    private final String text;
    private final String[] patterns;
    private final boolean[] exclude;

    private AttributeSelection(String text, String[] patterns, boolean[] exclude) {
        this.text = text;
        this.patterns = patterns;
        this.exclude = exclude;
    }

    /** @return the selection of no attribute */
    public static AttributeSelection none() {
        return NONE;
    }

    /**
     * Parses a selection parameter.
     *
     * @param text names and globs separated by spaces or commas, e.g. {@code "*"}, {@code "Cd uv"},
     *        {@code "* ^Alpha"}; empty or blank for none
     * @return the selection
     * @throws IllegalArgumentException naming the first token that is not an optional {@code ^}
     *         followed by a name pattern {@code [A-Za-z_*][A-Za-z0-9_*]*}
     */
    public static AttributeSelection parse(String text) {
        Objects.requireNonNull(text, "text");
        List<String> patterns = new ArrayList<>();
        List<Boolean> exclude = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && isSeparator(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSeparator(text.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            String token = text.substring(start, i);
            boolean ex = token.charAt(0) == '^';
            String pattern = ex ? token.substring(1) : token;
            if (!validPattern(pattern)) {
                throw new IllegalArgumentException("attribute selection: bad token '" + token + "' at character "
                        + start + "; expected a name or glob matching [A-Za-z_*][A-Za-z0-9_*]*, optionally "
                        + "preceded by ^ to exclude, tokens separated by spaces or commas");
            }
            patterns.add(pattern);
            exclude.add(ex);
        }
        if (patterns.isEmpty()) {
            return NONE;
        }
        boolean[] ex = new boolean[exclude.size()];
        for (int k = 0; k < ex.length; k++) {
            ex[k] = exclude.get(k);
        }
        return new AttributeSelection(text.strip(), patterns.toArray(new String[0]), ex);
    }

    private static boolean isSeparator(char c) {
        return c == ',' || Character.isWhitespace(c);
    }

    private static boolean validPattern(String p) {
        if (p.isEmpty()) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '*'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name an attribute name
     * @return whether the selection includes it
     */
    public boolean matches(String name) {
        boolean selected = false;
        for (int i = 0; i < patterns.length; i++) {
            if (selected == exclude[i] && glob(patterns[i], name)) {
                selected = !exclude[i];
            }
        }
        return selected;
    }

    /** @return true when the selection has no token at all (parsed from a blank text) */
    public boolean isEmpty() {
        return patterns.length == 0;
    }

    /** Glob match where {@code *} is any run of characters; linear backtracking over the last star. */
    private static boolean glob(String pattern, String name) {
        int p = 0, s = 0, star = -1, mark = 0;
        while (s < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = s;
            } else if (p < pattern.length() && pattern.charAt(p) == name.charAt(s)) {
                p++;
                s++;
            } else if (star >= 0) {
                p = star + 1;
                s = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** @return the parameter text this selection was parsed from, trimmed */
    @Override
    public String toString() {
        return text;
    }
}
