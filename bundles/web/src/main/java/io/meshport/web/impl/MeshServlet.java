package io.meshport.web.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

/**
 * {@code GET /api/mesh?key=K[&attributes=Cd,N][&maxPoints=N]}: the mesh stored under a key, in the
 * binary {@link MeshFormat}, streamed from the stored arrays. {@code attributes} names the attributes
 * wanted (default {@code Cd,N}, the two the page draws; {@code *} for all). With {@code maxPoints}, a
 * mesh larger than that is sent as a {@link MeshPreview}, and the headers {@code X-Meshport-Preview}
 * (the step between the points kept), {@code X-Meshport-Points} and {@code X-Meshport-Faces} (the
 * mesh's true counts) say so. A missing key is 404, a key that holds no mesh 409, a wrong
 * {@code maxPoints} 400, each with a JSON {@code {code, message}}.
 */
public final class MeshServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The media type of {@link MeshFormat}. */
    public static final String MEDIA_TYPE = "application/vnd.meshport.mesh";
    static final List<String> DEFAULT_ATTRIBUTES = List.of("Cd", "N");

    private final transient Supplier<SessionStore> store;

    /** @param store gives the session store, or null while there is none */
    public MeshServlet(Supplier<SessionStore> store) {
        this.store = store;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionEntry e = Http.entry(request, response, store, "mesh");
        if (e == null) {
            return;
        }
        String key = e.key();
        if (!SessionValue.KIND_MESH.equals(e.kind())) {
            Http.error(response, HttpServletResponse.SC_CONFLICT, "NOT_A_MESH", "key '" + key + "' holds a " + e.kind()
                    + " value, not a mesh; /api/entry?key=" + TokenFilter.encode(key) + " shows a preview of it");
            return;
        }
        String wanted = request.getParameter("attributes");
        List<String> names = wanted == null ? DEFAULT_ATTRIBUTES : wanted.equals("*") ? null : Arrays.asList(wanted.split(","));
        Mesh mesh = e.value().value(Mesh.class);
        String max = request.getParameter("maxPoints");
        int stride = 1;
        if (max != null) {
            int limit;
            try {
                limit = Integer.parseInt(max);
            } catch (NumberFormatException bad) {
                limit = 0;
            }
            if (limit < 1) {
                Http.error(response, HttpServletResponse.SC_BAD_REQUEST, "BAD_REQUEST", "maxPoints must be a whole number of at least 1, not '"
                        + max + "'");
                return;
            }
            if (MeshPreview.needed(mesh, limit)) {
                stride = MeshPreview.stride(mesh, limit);
                response.setHeader("X-Meshport-Preview", Integer.toString(stride));
                response.setHeader("X-Meshport-Points", Integer.toString(mesh.pointCount()));
                response.setHeader("X-Meshport-Faces", Integer.toString(mesh.faceCount()));
                mesh = MeshPreview.of(mesh, stride);
            }
        }
        MeshFormat f = new MeshFormat(mesh, e.version(), names);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MEDIA_TYPE);
        response.setContentLengthLong(f.length());
        response.setHeader("X-Meshport-Version", Long.toString(e.version()));
        if ("HEAD".equals(request.getMethod())) {
            return;
        }
        try (OutputStream out = response.getOutputStream()) {
            f.writeTo(out);
        }
    }
}
