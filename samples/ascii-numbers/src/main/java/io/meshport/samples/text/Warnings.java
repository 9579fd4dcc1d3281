package io.meshport.samples.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshport.mesh.Mesh;
import io.meshport.session.SessionValue;

/**
 * What a file held that the codec did not carry into the mesh (or carried under another name), in
 * words for people: the put's summary lists them as {@code warnings}, so that nothing is lost silently.
 * At most {@link #MAX} are kept, each about one kind of thing (never one per instance).
 */
public final class Warnings {
    /** The most warnings a summary lists; the rest are counted in a last one. */
    public static final int MAX = 20;

    private final List<String> list = new ArrayList<>();
    private int more;

    /** @param warning what was not carried, and where it was in the file when that helps */
    public void add(String warning) {
        if (list.size() < MAX) {
            list.add(warning);
        } else {
            more++;
        }
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** @return the warnings, and how many more there were */
    public List<String> list() {
        List<String> all = new ArrayList<>(list);
        if (more > 0) {
            all.add("and " + more + " more warnings");
        }
        return all;
    }

    /**
     * @param mesh the mesh decoded
     * @return the session value: the standard mesh summary, plus {@code warnings} when there are any
     */
    public SessionValue value(Mesh mesh) {
        SessionValue plain = SessionValue.ofMesh(mesh);
        if (list.isEmpty()) {
            return plain;
        }
        Map<String, Object> summary = new LinkedHashMap<>(plain.summary());
        summary.put("warnings", list());
        return new SessionValue(plain.kind(), mesh, summary, plain.retainedBytes());
    }
}
