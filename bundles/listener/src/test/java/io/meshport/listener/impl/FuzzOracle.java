package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshport.listener.impl.FuzzCbor.CMap;
import io.meshport.listener.impl.FuzzConnection.Got;
import io.meshport.listener.impl.FuzzExpected.Kind;
import io.meshport.protocol.ErrorCode;

/**
 * Judges what came back on one fuzzed connection against what each frame sent must get
 * ({@link FuzzExpected}): one reply per id, in order; the frame-level errors that close; the shape,
 * code and message of every reply and event. Every miss goes to the run's {@link FuzzFindings}.
 */
final class FuzzOracle {
    private static final int MAX_MESSAGE_CHARS = 2000;
    private static final Set<String> CODES = new HashSet<>();
    /** Text that names a Java class: a package-qualified name, or a simple name ending in Exception or Error. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:java|javax|jdk|sun|com\\.sun|io\\.meshport|org\\.osgi|org\\.apache|com\\.fasterxml)\\.[A-Za-z_$][\\w$.]{0,200}"
                    + "|\\b[A-Z][A-Za-z0-9]{0,60}(?:Exception|Error)\\b|\\$Lambda|\\b[A-Za-z_]\\w{0,60}\\$\\w");

    static {
        for (ErrorCode c : ErrorCode.values()) {
            CODES.add(c.name());
        }
        CODES.add("UNAVAILABLE"); // docs/protocol.md section 11
    }

    private final FuzzConnection conn;
    private final FuzzFindings findings;

    FuzzOracle(FuzzConnection conn) {
        this.conn = conn;
        this.findings = conn.findings;
    }

    private void violation(String signature, String detail, byte[] frame, String how, String got) {
        findings.violation(signature, detail, frame, how, got);
    }

    private String how(int offset) {
        return conn.how(offset);
    }

    void check(boolean tokenHost, String token) {
        List<FuzzExpected> expected = FuzzExpected.of(conn.stream, conn.cut);
        List<Got> replies = new ArrayList<>();
        String echoSource = FuzzFrames.utf8(Arrays.copyOf(conn.stream, conn.cut));
        synchronized (conn.got) {
            for (Got g : conn.got) {
                if (g.map() != null && "event".equals(g.map().get("op"))) {
                    checkEvent(g);
                } else if (g.map() != null && "bye".equals(g.map().get("op"))) {
                    violation("the host said bye", "round " + conn.round + " connection " + conn.index + ": " + g.map(), null, null, null);
                } else {
                    replies.add(g);
                }
            }
        }
        int gi = 0;
        boolean sawOk = false;
        boolean closes = false;
        for (FuzzExpected e : expected) {
            Got g = gi < replies.size() ? replies.get(gi) : null;
            if (g != null && g.map() == null) {
                violation("a frame from the host is not a CBOR map", g.problem() + " (hex " + FuzzFindings.hexShort(g.body()) + ")", e.frame,
                        how(e.offset), null);
                return;
            }
            if (g != null && !g.map().has("id") && tokenHost && "UNAUTHORIZED".equals(code(g))) {
                // Before authentication, a host with a token refuses with UNAUTHORIZED and closes: without id
                // when the frame had none, or when the host refuses it at its header (a large frame). After a
                // success, only a hello without the token (and without id) may be refused so.
                if (sawOk && !helloWithoutTokenAhead(expected, expected.indexOf(e))) {
                    violation("UNAUTHORIZED (without id) for a request sent after a successful hello", e.kind == Kind.REPLY
                            ? "expected the reply to id " + Long.toUnsignedString(e.id) : "expected " + e.kind, e.frame, how(e.offset),
                            g.map().toString());
                    return;
                }
                gi++;
                checkReply(g, e, echoSource, token);
                closes = true;
                break;
            }
            switch (e.kind) {
                case REPLY: {
                    if (g == null) {
                        missing(e, "a reply with id " + Long.toUnsignedString(e.id));
                        return;
                    }
                    Long id = g.map().has("id") ? FuzzCbor.uintBits(g.map().get("id")) : null;
                    if (id == null || id != e.id) {
                        String c = code(g);
                        if (id == null && ("BAD_FRAME".equals(c) || "FRAME_TOO_LARGE".equals(c))) {
                            violation("the host refused as " + c + " a frame the test reads as a well-formed map",
                                    "expected a reply to id " + Long.toUnsignedString(e.id), e.frame, how(e.offset), g.map().toString());
                        } else {
                            violation("a reply out of order or with the wrong id", "expected the reply to id " + Long.toUnsignedString(e.id)
                                    + ", got " + (id == null ? "a frame without a usable id" : "id " + Long.toUnsignedString(id)),
                                    e.frame, how(e.offset), g.map().toString());
                        }
                        return;
                    }
                    gi++;
                    checkReply(g, e, echoSource, token);
                    if ("UNAUTHORIZED".equals(code(g))) {
                        if (!tokenHost || (sawOk && !e.helloWithoutTheToken)) {
                            violation("UNAUTHORIZED where no token is missing", tokenHost ? "after a success on the same connection"
                                    : "on a host without a token", e.frame, how(e.offset), g.map().toString());
                        }
                        closes = true;
                    } else if (Boolean.TRUE.equals(g.map().get("ok"))) {
                        sawOk = true;
                    }
                    break;
                }
                case NO_REPLY:
                case NO_REPLY_NULL_ID: {
                    if (e.kind == Kind.NO_REPLY_NULL_ID && g != null && !g.map().has("id") && "BAD_REQUEST".equals(code(g))
                            && nullIdAnswered(expected, expected.indexOf(e), replies, gi)) {
                        gi++;
                        violation("a request whose id is null is answered (docs/protocol.md: a null optional field counts as absent)",
                                "no reply expected", e.frame, how(e.offset), g.map().toString());
                    }
                    break;
                }
                case BAD_ID: {
                    if (g == null) {
                        missing(e, "an error without id for an id that is not an unsigned integer");
                        return;
                    }
                    String c = code(g);
                    if (g.map().has("id") || !"BAD_REQUEST".equals(c)) {
                        violation("an unusable id is not answered with BAD_REQUEST without id", "expected BAD_REQUEST without id",
                                e.frame, how(e.offset), g.map().toString());
                        return;
                    }
                    gi++;
                    checkReply(g, e, echoSource, token);
                    break;
                }
                case INCOMPLETE:
                    break;
                default: { // FRAME_ERROR
                    if (g == null) {
                        missing(e, e.code + " without id");
                        return;
                    }
                    String c = code(g);
                    if (g.map().has("id") || !e.code.equals(c)) {
                        String sig = e.code.equals("BAD_FRAME") && g.map().has("id")
                                ? "the host answered a frame the test reads as not well-formed (" + e.why + ")"
                                : "a frame-level error is not answered with " + e.code + " without id";
                        violation(sig, "expected " + e.code + " (" + e.why + ")", e.frame, how(e.offset), g.map().toString());
                        return;
                    }
                    gi++;
                    checkReply(g, e, echoSource, token);
                    closes = true;
                    break;
                }
            }
            if (closes) {
                break;
            }
        }
        if (gi < replies.size()) {
            Got extra = replies.get(gi);
            violation("a reply the test did not expect", "after " + gi + " expected replies (the connection "
                    + (closes ? "should have closed" : "sent " + expected.size() + " frames") + ")", null, how(0),
                    extra.map() != null ? extra.map().toString() : extra.problem());
            return;
        }
        if (conn.readProblem != null) {
            violation("the connection did not end as expected", conn.readProblem + " (round " + conn.round + " connection " + conn.index + ", "
                    + conn.mode + ", " + conn.got.size() + " frames received)", null, how(conn.cut - 1), null);
        }
    }

    /**
     * Whether an UNAUTHORIZED without id, after a success, may answer a frame from {@code ei} on: a
     * hello without the token and without id, before any frame that must be answered first.
     */
    private static boolean helloWithoutTokenAhead(List<FuzzExpected> expected, int ei) {
        for (int i = ei; i < expected.size(); i++) {
            FuzzExpected x = expected.get(i);
            if (x.helloWithoutTheToken && x.kind != Kind.REPLY && x.kind != Kind.BAD_ID) {
                return true;
            }
            if (x.kind != Kind.NO_REPLY && x.kind != Kind.NO_REPLY_NULL_ID) {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether the BAD_REQUEST without id at {@code gi} answers the null-id frame at {@code ei}: only
     * when more such replies come in a row than the frames up to the next reply with an id that
     * must get one (an unusable id); otherwise they are theirs.
     */
    private static boolean nullIdAnswered(List<FuzzExpected> expected, int ei, List<Got> replies, int gi) {
        int owed = 0;
        for (int i = ei + 1; i < expected.size(); i++) {
            Kind k = expected.get(i).kind;
            if (k == Kind.BAD_ID) {
                owed++;
            } else if (k != Kind.NO_REPLY && k != Kind.NO_REPLY_NULL_ID) {
                break;
            }
        }
        int run = 0;
        for (int i = gi; i < replies.size(); i++) {
            Got g = replies.get(i);
            if (g.map() == null || g.map().has("id") || !"BAD_REQUEST".equals(code(g))) {
                break;
            }
            run++;
        }
        return run > owed;
    }

    private void missing(FuzzExpected e, String what) {
        String state = conn.eof ? "the host closed the connection" : conn.reset ? "the connection was reset" : "nothing more came";
        String said = conn.hostLines.isEmpty() ? "the host logged nothing naming this connection"
                : "the host logged: " + String.join(" | ", conn.hostLines);
        violation("a request got no reply (" + state + ")", "expected " + what + "; " + state + "; " + said, e.frame, how(e.offset), null);
    }

    private void checkEvent(Got g) {
        CMap m = g.map();
        boolean ok = m.size() == 5 && FuzzCbor.uintBits(m.get("watch")) != null && m.get("key") instanceof String
                && FuzzCbor.uintBits(m.get("version")) != null && ("put".equals(m.get("change")) || "delete".equals(m.get("change")));
        if (!ok) {
            violation("a malformed event", "round " + conn.round + " connection " + conn.index, null, null, m.toString());
        }
    }

    /** Every reply: its shape, its code, its message. */
    private void checkReply(Got g, FuzzExpected e, String echoSource, String token) {
        CMap m = g.map();
        Object ok = m.get("ok");
        findings.outcome(Boolean.TRUE.equals(ok) ? "ok" : String.valueOf(code(g)));
        Set<Object> keys = new HashSet<>(m.keys);
        boolean shape = keys.size() == m.size() && ok instanceof Boolean
                && keys.equals(Boolean.TRUE.equals(ok) ? Set.of("id", "ok", "result") : m.has("id") ? Set.of("id", "ok", "error") : Set.of("ok", "error"));
        if (!shape) {
            violation("a reply not shaped as docs/protocol.md section 3 says", "keys " + m.keys, e.frame, how(e.offset), m.toString());
            return;
        }
        if (Boolean.TRUE.equals(ok)) {
            return;
        }
        if (!(m.get("error") instanceof CMap)) {
            violation("an error reply without an error map", "", e.frame, how(e.offset), m.toString());
            return;
        }
        CMap err = (CMap) m.get("error");
        Object code = err.get("code");
        Object message = err.get("message");
        if (!(code instanceof String) || !(message instanceof String) || ((String) message).isBlank()
                || (err.has("detail") && !(err.get("detail") instanceof CMap))
                || !new HashSet<>(List.of("code", "message", "detail")).containsAll(err.keys) || err.keys.size() != new HashSet<>(err.keys).size()) {
            violation("an error not shaped as docs/protocol.md section 3 says", "", e.frame, how(e.offset), m.toString());
            return;
        }
        String c = (String) code;
        String msg = (String) message;
        if (!CODES.contains(c)) {
            violation("an error code docs/protocol.md section 9 does not list: " + c, "", e.frame, how(e.offset), m.toString());
        }
        if (c.equals("INTERNAL")) {
            violation("INTERNAL: " + FuzzFindings.cut(msg, 120), "", e.frame, how(e.offset), m.toString());
        }
        int chars = msg.codePointCount(0, msg.length());
        if (chars > MAX_MESSAGE_CHARS) {
            violation("an error message longer than " + MAX_MESSAGE_CHARS + " characters (" + c + ")", "the message has " + chars
                    + " characters: " + FuzzFindings.cut(msg, 300), e.frame, how(e.offset), null);
        }
        if (msg.contains("\tat ") || msg.contains("\n\tat") || msg.contains("Caused by:")) {
            violation("a stack trace in an error message (" + c + ")", "", e.frame, how(e.offset), m.toString());
        }
        // (bounded: a message that long is already a violation, and the patterns are not linear on huge text)
        Matcher cn = CLASS_NAME.matcher(msg.length() > 4 * MAX_MESSAGE_CHARS ? msg.substring(0, 4 * MAX_MESSAGE_CHARS) : msg);
        while (cn.find()) {
            if (!echoSource.contains(cn.group())) {
                violation("a Java class name in an error message (" + c + ": " + cn.group() + ")", "message: " + FuzzFindings.cut(msg, 400),
                        e.frame, how(e.offset), null);
                break;
            }
        }
        if (token != null && msg.contains(token)) {
            violation("the token in an error message (" + c + ")", "", e.frame, how(e.offset), null);
        }
    }

    private static String code(Got g) {
        Object e = g.map().get("error");
        return e instanceof CMap && ((CMap) e).get("code") instanceof String ? (String) ((CMap) e).get("code") : null;
    }
}
