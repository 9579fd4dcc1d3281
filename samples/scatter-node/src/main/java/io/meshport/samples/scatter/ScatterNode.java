package io.meshport.samples.scatter;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.CookException;
import io.meshport.node.NodeType;
import io.meshport.node.NodeTypeName;
import io.meshport.node.ParmTemplate;

/**
 * Node type {@code scatter}: points on the surface of a mesh, read from a session key (or from the
 * node wired into input 0), either uniformly by area ({@code random}) or as a blue-noise set of
 * exactly {@code count} points ({@code poisson}), with {@code N}, the chosen attributes interpolated,
 * and {@code sourceFace}/{@code sourceUV} to trace each point back. The points can be published to a
 * session key, where remote clients get and watch them.
 *
 * <p>This component is all the OSGi the plugin has: one annotation naming the type. The area table
 * of a source mesh is built once per source version: session meshes are immutable and a new version
 * is a new object, so a small cache keyed by the mesh itself is exact.
 */
@Component(service = NodeType.class)
@NodeTypeName("scatter")
public final class ScatterNode implements NodeType {
    private static final List<ParmTemplate> PARMS = List.of(
            ParmTemplate.textParm("source", "").withLabel("Source key")
                    .withHelp("session key of the mesh to scatter on; ignored when a node is wired into input 0"),
            ParmTemplate.intParm("count", 1000).withRange(0, Scatter.MAX_COUNT).withLabel("Point count"),
            ParmTemplate.intParm("seed", 0).withRange(0, Integer.MAX_VALUE).withLabel("Seed"),
            ParmTemplate.menuParm("method", "random", "random", "poisson").withLabel("Method")
                    .withHelp("random: uniform by area; poisson: blue noise by weighted sample elimination"),
            ParmTemplate.textParm("attributes", "*").withLabel("Attributes to carry")
                    .withHelp("names or * patterns, ^ to exclude, e.g. \"* ^Alpha\"; empty for none"),
            ParmTemplate.textParm("output", "").withLabel("Output key")
                    .withHelp("session key to publish the points to; empty to publish nothing"));

    /**
     * Tables of the last few sources, newest first. Guarded by itself. The sources are held weakly, so
     * that a mesh deleted from the session is not kept alive here; its table goes with it.
     */
    private final List<Cached> tables = new ArrayList<>();

    private record Cached(WeakReference<Mesh> source, SurfaceTable table) {
    }

    @Override
    public String description() {
        return "scatters points on the surface of a mesh (random by area, or Poisson-disk)";
    }

    @Override
    public List<ParmTemplate> parms() {
        return PARMS;
    }

    @Override
    public int inputs() {
        return 1;
    }

    @Override
    public Mesh cook(CookContext c) {
        Mesh source = c.input(0);
        if (source == null) {
            String key = c.textParm("source");
            if (key.isEmpty()) {
                throw new CookException("parameter 'source': no session key given, and nothing is wired into input 0");
            }
            source = c.sessionMesh(key, "source");
        }
        AttributeSelection carry;
        try {
            carry = AttributeSelection.parse(c.textParm("attributes"));
        } catch (IllegalArgumentException e) {
            throw new CookException("parameter 'attributes': " + e.getMessage());
        }
        int count = (int) c.intParm("count");
        long seed = c.intParm("seed");
        String method = c.textParm("method");
        SurfaceTable table = table(source);
        ScatterResult r;
        try {
            r = "poisson".equals(method) ? Scatter.poisson(source, table, count, seed, carry)
                    : Scatter.random(source, table, count, seed, carry);
        } catch (IllegalArgumentException e) {
            throw new CookException(e.getMessage());
        }
        c.stat("points", r.count());
        c.stat("area", r.totalArea());
        if ("poisson".equals(method) && r.count() > 1) {
            c.stat("minSpacing", r.minSpacing());
            c.stat("targetRadius", r.targetRadius());
            c.stat("relativeSpacing", Double.parseDouble(String.format(Locale.ROOT, "%.4f", r.minSpacing() / r.targetRadius())));
        }
        String output = c.textParm("output");
        if (!output.isEmpty()) {
            c.publish(output);
        }
        return r.mesh();
    }

    private SurfaceTable table(Mesh source) {
        synchronized (tables) {
            for (Iterator<Cached> it = tables.iterator(); it.hasNext();) {
                Cached e = it.next();
                Mesh m = e.source().get();
                if (m == source) {
                    return e.table();
                }
                if (m == null) {
                    it.remove();
                }
            }
        }
        SurfaceTable t = SurfaceTable.of(source); // outside the lock: it may take a while
        synchronized (tables) {
            tables.add(0, new Cached(new WeakReference<>(source), t));
            while (tables.size() > 4) {
                tables.remove(tables.size() - 1);
            }
        }
        return t;
    }
}
