package io.meshport.samples.ply;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.meshport.samples.text.Warnings;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Decides where the scalar properties of one element (vertex or face) go, and holds the flat arrays they
 * fill. {@code x y z} of a vertex are the positions; {@code nx ny nz} the attribute {@code N};
 * {@code red green blue} (or {@code diffuse_red ...}) {@code Cd} and {@code alpha} (or
 * {@code diffuse_alpha}) {@code Alpha}, integers scaled to 0..1; a vertex's {@code s t}, {@code u v} or
 * {@code texture_u texture_v} its {@code uv}; every other scalar a float attribute of its name. An
 * attribute name already taken (by the vertex's attributes, or one of the usual names {@code N},
 * {@code Cd}, {@code Alpha}, {@code uv}) gets the element's name as a suffix ({@code Cd_face}). What
 * cannot be placed is reported as a warning.
 */
final class Columns {
    private static final String[] NORMAL = {"nx", "ny", "nz"};
    private static final String[][] COLORS = {{"red", "green", "blue"}, {"diffuse_red", "diffuse_green", "diffuse_blue"}};
    private static final String[][] ALPHAS = {{"alpha"}, {"diffuse_alpha"}};
    private static final String[][] UVS = {{"s", "t"}, {"u", "v"}, {"texture_u", "texture_v"}};
    /** Names with a meaning (and a size) of their own: a plain scalar of such a name is renamed. */
    static final Set<String> USUAL = Set.of("N", "Cd", "Alpha", "uv");

    /** An array being filled: the positions (name null) or a float attribute, {@code size} floats per instance. */
    static final class Target {
        final String name;
        final String from;
        final int size;
        float[] data;
        /** How many integer values a float could not hold exactly (beyond 2^24). */
        long rounded;

        Target(String name, String from, int size) {
            this.name = name;
            this.from = from;
            this.size = size;
        }
    }

    /** Where one property's values go: a component of a target, divided by {@code divisor}. */
    static final class Slot {
        final Target target;
        final int component;
        final double divisor;
        final boolean integral;

        Slot(Target target, int component, double divisor, boolean integral) {
            this.target = target;
            this.component = component;
            this.divisor = divisor;
            this.integral = integral;
        }

        /** @return false when the value is a position that is not finite (the caller says where) */
        boolean store(int instance, double value) {
            float f = (float) (divisor == 1 ? value : value / divisor);
            target.data[instance * target.size + component] = f;
            if (integral && divisor == 1 && f != value) {
                target.rounded++;
            }
            return target.name != null || Float.isFinite(f);
        }
    }

    final Element element;
    private final AttributeOwner owner;
    private final Slot[] slots;
    private final List<Target> targets = new ArrayList<>();
    private Target positions;

    private Columns(Element element, AttributeOwner owner) {
        this.element = element;
        this.owner = owner;
        this.slots = new Slot[element.properties.size()];
    }

    /**
     * @param e the element
     * @param owner {@code POINT} for the vertex element (its x y z are the positions), else {@code FACE}
     * @param taken the attribute names used so far; this plan's names are added
     * @param handled list properties another reader takes care of (a face's vertex list), not reported
     * @param warnings receives what cannot be placed, and what was renamed
     * @return the plan
     */
    static Columns plan(Element e, AttributeOwner owner, Set<String> taken, Set<Property> handled, Warnings warnings) {
        Columns c = new Columns(e, owner);
        if (owner == AttributeOwner.POINT) {
            c.positions = c.tuple(new String[] {"x", "y", "z"}, null, false);
        }
        c.claim(c.firstTuple(new String[][] {NORMAL}), "N", false, taken, warnings);
        c.claim(c.firstTuple(COLORS), "Cd", true, taken, warnings);
        c.claim(c.firstTuple(ALPHAS), "Alpha", true, taken, warnings);
        if (owner == AttributeOwner.POINT) {
            c.claim(c.firstTuple(UVS), "uv", false, taken, warnings);
        }
        for (int k = 0; k < c.slots.length; k++) {
            Property p = e.properties.get(k);
            if (c.slots[k] != null || handled.contains(p)) {
                continue;
            }
            if (p.isList()) {
                warnings.add(e.name + " property '" + PlyHeader.clip(p.name) + "' (" + p.typeName()
                        + ") not carried: a list has no place in the mesh");
            } else if (Attribute.nameProblem(p.name) != null) {
                warnings.add(e.name + " property '" + PlyHeader.clip(p.name) + "' not carried: not a valid attribute"
                        + " name ([A-Za-z_][A-Za-z0-9_]*)");
            } else {
                c.claim(new String[] {p.name}, p.name, false, taken, warnings);
            }
        }
        return c;
    }

    /** @return the first group of names that are all scalar properties of the element, or null */
    private String[] firstTuple(String[][] groups) {
        for (String[] names : groups) {
            boolean all = true;
            for (String n : names) {
                Property p = element.property(n);
                all &= p != null && !p.isList();
            }
            if (all) {
                return names;
            }
        }
        return null;
    }

    /** Places the properties {@code names} (if not null) as an attribute named {@code name}, or renamed. */
    private void claim(String[] names, String name, boolean color, Set<String> taken, Warnings warnings) {
        if (names == null) {
            return;
        }
        String from = String.join(" ", names);
        boolean usualTuple = names.length > 1 || color;
        String chosen = name;
        if (taken.contains(name) || (!usualTuple && USUAL.contains(name))) {
            chosen = name + "_" + element.name;
            if (taken.contains(chosen) || Attribute.nameProblem(chosen) != null) {
                warnings.add(element.name + " property '" + from + "' not carried: attribute '" + name + "' exists already");
                return;
            }
            warnings.add(element.name + " property '" + from + "' carried as " + owner.wireName() + " attribute '" + chosen
                    + "': the name '" + name + "' is " + (taken.contains(name) ? "taken" : "kept for its usual meaning"));
        }
        taken.add(chosen);
        tuple(names, chosen, color);
    }

    private Target tuple(String[] names, String name, boolean color) {
        Target t = new Target(name, String.join(" ", names), names.length);
        for (int c = 0; c < names.length; c++) {
            Property p = element.property(names[c]);
            slots[element.properties.indexOf(p)] = new Slot(t, c, color ? p.type.colorScale() : 1, p.type.integral);
        }
        if (name != null) {
            targets.add(t);
        }
        return t;
    }

    /** @return the floats one instance adds to the attributes (positions not counted) */
    long floatsPerInstance() {
        long n = 0;
        for (Target t : targets) {
            n += t.size;
        }
        return n;
    }

    boolean hasAttributes() {
        return !targets.isEmpty();
    }

    /** Allocates the arrays, one tuple per instance of the element. */
    void allocate() {
        if (positions != null) {
            positions.data = new float[3 * element.count];
        }
        for (Target t : targets) {
            t.data = new float[t.size * element.count];
        }
    }

    /** @return where property {@code k} goes, or null when it is skipped */
    Slot slot(int k) {
        return slots[k];
    }

    /** @return the positions, x y z per vertex (the vertex element's plan only) */
    float[] positions() {
        return positions.data;
    }

    /** Adds the attributes to {@code m}, and warns about integers rounded to floats. */
    void addTo(Mesh.Builder m, Warnings warnings) {
        for (Target t : targets) {
            m.attribute(Attribute.ofFloats(t.name, owner, t.size, t.data));
        }
        List<Target> all = new ArrayList<>(targets);
        if (positions != null) {
            all.add(positions);
        }
        for (Target t : all) {
            if (t.rounded > 0) {
                warnings.add(element.name + " property '" + t.from + "': " + t.rounded + " integer values beyond 2^24 were"
                        + " rounded to the nearest float");
            }
        }
    }
}
