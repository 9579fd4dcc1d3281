package io.meshport.web.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import io.meshport.protocol.MeshportException;
import io.meshport.protocol.WireValue;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;

/** JSON in and out of the page's API (small values only: geometry never travels as JSON). */
final class Http {
    static final String JSON = "application/json; charset=utf-8";
    /** The largest request body the API reads: parameters and names, never geometry. */
    static final int MAX_BODY = 64 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(MAX_BODY).build()).build();

    private Http() {
    }

    /** Writes {@code {"code", "message"}} with the status. */
    static void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        json(response, status, m);
    }

    /**
     * Writes {@code {"code", "message"}} with the status for a request whose body is not read (a refusal, or a
     * body refused as too large). Such a request's connection ends after the response, and the response says
     * {@code Connection: close}. Jetty would otherwise close the connection without telling anyone once it found
     * the body unread after the response had gone out, and a client that kept the connection for its next
     * request would find it dead.
     */
    static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String code, String message)
            throws IOException {
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
        error(response, status, code, message);
    }

    static void json(HttpServletResponse response, int status, Object value) throws IOException {
        byte[] body = toJson(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(JSON);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    /**
     * @param value plain values, maps, lists, arrays of numbers, records and {@link WireValue}s
     * @return its JSON text
     */
    static String toJson(Object value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(String.valueOf(d)); // JSON has no NaN or infinity
            }
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable) {
            g.writeStartArray();
            for (Object o : (Iterable<?>) v) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof WireValue) {
            write(g, ((WireValue) v).toWire());
        } else if (v instanceof Enum) {
            g.writeString(((Enum<?>) v).name());
        } else if (v.getClass().isRecord()) {
            g.writeStartObject();
            for (RecordComponent c : v.getClass().getRecordComponents()) {
                g.writeFieldName(c.getName());
                try {
                    write(g, c.getAccessor().invoke(v));
                } catch (ReflectiveOperationException e) {
                    throw new IOException("cannot read " + c.getName() + " of " + v.getClass().getSimpleName(), e);
                }
            }
            g.writeEndObject();
        } else if (v instanceof double[]) {
            g.writeArray((double[]) v, 0, ((double[]) v).length);
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    /**
     * Reads a small JSON request body.
     *
     * @return the value: maps, lists, strings, {@code Long} or {@code Double}, booleans, null
     * @throws IllegalArgumentException when it is not one JSON value or is too large
     */
    static Object readJson(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("the request body is larger than " + MAX_BODY + " bytes");
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IllegalArgumentException("the request body is empty; a JSON object was expected");
            }
            Object v = read(p, t);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("the request body holds more than one JSON value");
            }
            return v;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonToken x = p.nextToken(); x != JsonToken.END_ARRAY; x = p.nextToken()) {
                    l.add(read(p, x));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalArgumentException("unexpected " + t + " in the request body");
        }
    }

    /**
     * Finds the entry a request names with {@code ?key=}; when there is none, answers the request
     * with the reason (400 no key, 503 no store, 404 no such key) and returns null.
     *
     * @param what what the key is for, in the message of a request without one
     */
    static SessionEntry entry(HttpServletRequest request, HttpServletResponse response, Supplier<SessionStore> store, String what)
            throws IOException {
        String key = request.getParameter("key");
        if (key == null || key.isEmpty()) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "BAD_ARGS", "which " + what + "? give ?key=KEY");
            return null;
        }
        SessionStore s = store.get();
        if (s == null) {
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UNAVAILABLE", "the session store is not running");
            return null;
        }
        Optional<SessionEntry> found;
        try {
            found = s.get(key);
            if (found.isPresent()) {
                found.get().value().value(); // a shared session reads it now, where its failure can be answered
            }
        } catch (MeshportException e) {
            int status = switch (e.code()) {
                case UNAVAILABLE -> HttpServletResponse.SC_SERVICE_UNAVAILABLE;
                case INTERNAL -> HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
                case NOT_FOUND -> HttpServletResponse.SC_NOT_FOUND;
                default -> HttpServletResponse.SC_BAD_REQUEST;
            };
            error(response, status, e.code().name(), e.getMessage());
            return null;
        }
        if (found.isEmpty()) {
            error(response, HttpServletResponse.SC_NOT_FOUND, "NOT_FOUND", "no key '" + key + "' in the session");
            return null;
        }
        return found.get();
    }

    /** @return the stream for a resource of the page, or null */
    static InputStream resource(String path) {
        return Http.class.getResourceAsStream("/io/meshport/web/page/" + path);
    }
}
