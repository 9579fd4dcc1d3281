package io.meshport.web.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which {@code Host} and {@code Origin} values name this page: the defence against DNS rebinding, where a
 * web site points its own name at this machine and its script then reads the page as if it were its own.
 * The browser sends that site's name as {@code Host}, so a request is served only when its {@code Host}
 * names this page exactly, compared as parsed hosts and ports, never as text prefixes:
 *
 * <ul>
 * <li>the name {@code localhost}, a loopback address written as a literal ({@code 127.x.y.z} as a canonical
 * dotted quad, {@code [::1]}), the configured bind address (its literal, or the name it was configured
 * with), or the literal address the connection came in on (for a page bound to every address);</li>
 * <li>with the page's port; no port means 80;</li>
 * <li>a trailing dot (the DNS root) and the case of names do not matter.</li>
 * </ul>
 *
 * Anything else is refused, including numbers that are not a canonical dotted quad ({@code 127.1},
 * {@code 0x7f.1}, {@code 2130706433}, {@code 0177.0.0.1}): browsers never send those as Host, they always
 * write the address in its canonical form, so such a Host can only be a name, and names other than the
 * above are exactly what a rebinding site uses. No name is ever looked up.
 */
final class PageHosts {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Letters, digits, hyphens and dots: what a host name may hold (no user info, no zone, no spaces). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");
    private static final Pattern PORT = Pattern.compile("[1-9]\\d{0,4}");

    /** A host and a port, parsed: {@code address} for a literal, else {@code name} (lower case, no trailing dot). */
    record Authority(String name, InetAddress address, int port) {
        boolean sameHost(Authority o) {
            return address != null ? address.equals(o.address) : o.address == null && name.equals(o.name);
        }
    }

    /** The configured bind address when it is one address (not a wildcard), else null. */
    private final InetAddress bind;
    /** The name the bind address was configured with when it was a name, else null. */
    private final String bindName;

    /**
     * @param bind the address the page listens on, as configured and resolved
     * @param configured the bind address as configured (a literal or a name), may be null
     */
    PageHosts(InetAddress bind, String configured) {
        this.bind = bind == null || bind.isAnyLocalAddress() ? null : bind;
        Authority a = configured == null ? null : parse(configured.trim(), 80);
        this.bindName = a != null && a.address() == null ? a.name() : null;
    }

    /**
     * @param host the request's Host header, may be null
     * @param localAddress the address the request came in on, as the server gives it (a literal)
     * @param localPort the port the request came in on: the page's
     * @return why the Host does not name this page, or null when it does
     */
    String refusal(String host, String localAddress, int localPort) {
        if (host == null || host.isEmpty()) {
            return "a request must name the page's address in its Host header";
        }
        Authority a = parse(host, 80);
        if (a == null) {
            return "it is not a host name or address with an optional port";
        }
        if (a.port() != localPort) {
            return "it names port " + a.port() + ", the page's is " + localPort;
        }
        if (a.address() == null) {
            return a.name().equals("localhost") || a.name().equals(bindName) ? null
                    : "it names '" + a.name() + "', not this page's address (a site that points its name here is refused)";
        }
        InetAddress local = localAddress == null ? null : literal(localAddress.replaceFirst("^\\[(.*)\\]$", "$1").replaceFirst("%.*$", ""));
        return a.address().isLoopbackAddress() || a.address().equals(bind) || a.address().equals(local) ? null
                : "it names " + a.address().getHostAddress() + ", not an address this page listens on";
    }

    /**
     * @param origin the request's Origin header
     * @param host the request's Host header, already accepted by {@link #refusal}
     * @return true if the origin is {@code http://} and the very host and port the Host header names
     */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null || host == null || !origin.regionMatches(true, 0, "http://", 0, 7)) {
            return false;
        }
        Authority o = parse(origin.substring(7), 80);
        Authority h = parse(host, 80);
        return o != null && h != null && o.port() == h.port() && o.sameHost(h);
    }

    /**
     * Parses {@code host[:port]}: a name, a canonical dotted quad, or an IPv6 literal in brackets. Nothing
     * else is accepted: no user info, no path, no zone id, no empty or zero-padded port.
     *
     * @return the authority, or null if {@code text} is not one
     */
    static Authority parse(String text, int defaultPort) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text.toLowerCase(Locale.ROOT);
        String hostPart;
        String portPart = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            hostPart = s.substring(0, close + 1);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                portPart = rest.substring(1);
            }
        } else {
            int colon = s.indexOf(':');
            hostPart = colon < 0 ? s : s.substring(0, colon);
            portPart = colon < 0 ? null : s.substring(colon + 1);
        }
        int port = defaultPort;
        if (portPart != null) {
            if (!PORT.matcher(portPart).matches() || Integer.parseInt(portPart) > 65535) {
                return null;
            }
            port = Integer.parseInt(portPart);
        }
        if (hostPart.startsWith("[")) {
            InetAddress a = literal(hostPart);
            return a == null ? null : new Authority(null, a, port);
        }
        if (hostPart.endsWith(".")) {
            hostPart = hostPart.substring(0, hostPart.length() - 1); // the DNS root: "localhost." is localhost
        }
        if (DOTTED_QUAD.matcher(hostPart).matches()) {
            return new Authority(null, literal(hostPart), port);
        }
        return NAME.matcher(hostPart).matches() ? new Authority(hostPart, null, port) : null;
    }

    /**
     * @param text a canonical dotted quad, or an IPv6 literal with or without brackets (no zone id)
     * @return the address, or null if {@code text} is not such a literal; never a name lookup
     */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        s = s.toLowerCase(Locale.ROOT);
        if (DOTTED_QUAD.matcher(s).matches()) {
            String[] parts = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                return null; // four bytes are always an address
            }
        }
        if (!s.contains(":") || !IPV6.matcher(s).matches()) {
            return null;
        }
        try {
            // In brackets InetAddress takes an IPv6 literal or fails; it never asks a resolver.
            return InetAddress.getByName("[" + s + "]");
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
