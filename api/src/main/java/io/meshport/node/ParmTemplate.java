package io.meshport.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The template of one node parameter: its name, type, default value and, where it applies, its range
 * or menu items. Immutable; the {@code with...} methods return changed copies.
 *
 * <pre>{@code
 * ParmTemplate.intParm("count", 1000).withRange(0, 10_000_000).withLabel("Point count")
 * ParmTemplate.menuParm("method", "random", "random", "poisson")
 * }</pre>
 *
 * Values are held as the Java type {@link ParmType} names: {@code Long}, {@code Double},
 * {@code String}, {@code Boolean}, or a {@code List<Double>} for vectors.
 *
 * <p>On the wire (remote {@code call}s) a template is a map {@code {name, type, default, label, help,
 * min?, max?, items?, size}}, {@code type} being {@link ParmType#wireName()}.
 */
public final class ParmTemplate implements io.meshport.protocol.WireValue {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final String name;
    private final ParmType type;
    private final Object defaultValue;
    private final String label;
    private final String help;
    private final Double min;
    private final Double max;
    private final List<String> items;

    private ParmTemplate(String name, ParmType type, Object defaultValue, String label, String help, Double min, Double max,
            List<String> items) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.label = label;
        this.help = help;
        this.min = min;
        this.max = max;
        this.items = items;
    }

    private static ParmTemplate of(String name, ParmType type, Object defaultValue, List<String> items) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name
                    + "' must be a letter or _, then up to 63 letters, digits or _");
        }
        return new ParmTemplate(name, type, defaultValue, name, "", null, null, items);
    }

    /**
     * @param name the parameter's name
     * @param defaultValue its default
     * @return an int parameter
     */
    public static ParmTemplate intParm(String name, long defaultValue) {
        return of(name, ParmType.INT, defaultValue, List.of());
    }

    /**
     * @param name the parameter's name
     * @param defaultValue its default, finite
     * @return a float parameter
     */
    public static ParmTemplate floatParm(String name, double defaultValue) {
        if (!Double.isFinite(defaultValue)) {
            throw new IllegalArgumentException("parameter '" + name + "': the default must be finite, not " + defaultValue);
        }
        return of(name, ParmType.FLOAT, defaultValue, List.of());
    }

    /**
     * @param name the parameter's name
     * @param defaultValue its default, not null
     * @return a text parameter
     */
    public static ParmTemplate textParm(String name, String defaultValue) {
        return of(name, ParmType.TEXT, Objects.requireNonNull(defaultValue, "defaultValue"), List.of());
    }

    /**
     * @param name the parameter's name
     * @param defaultValue its default
     * @return a toggle parameter
     */
    public static ParmTemplate toggleParm(String name, boolean defaultValue) {
        return of(name, ParmType.TOGGLE, defaultValue, List.of());
    }

    /**
     * @param name the parameter's name
     * @param defaultItem its default, one of the items
     * @param items the items to choose from, at least one, no duplicates
     * @return a menu parameter
     */
    public static ParmTemplate menuParm(String name, String defaultItem, String... items) {
        List<String> list = List.of(items);
        if (list.isEmpty() || list.stream().distinct().count() != list.size()) {
            throw new IllegalArgumentException("parameter '" + name + "': a menu needs at least one item and no duplicates, got " + list);
        }
        if (!list.contains(defaultItem)) {
            throw new IllegalArgumentException("parameter '" + name + "': the default '" + defaultItem + "' is not one of " + list);
        }
        return of(name, ParmType.MENU, defaultItem, list);
    }

    /**
     * @param name the parameter's name
     * @param defaults the default of each component, 2 to 4 of them, finite
     * @return a vector parameter with as many components as defaults
     */
    public static ParmTemplate vectorParm(String name, double... defaults) {
        if (defaults.length < 2 || defaults.length > 4) {
            throw new IllegalArgumentException("parameter '" + name + "': a vector has 2 to 4 components, not " + defaults.length);
        }
        List<Double> d = new ArrayList<>(defaults.length);
        for (double v : defaults) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("parameter '" + name + "': the default must be finite, not " + Arrays.toString(defaults));
            }
            d.add(v);
        }
        return of(name, ParmType.VECTOR, Collections.unmodifiableList(d), List.of());
    }

    /**
     * @param minimum the smallest value allowed (each component, for a vector)
     * @param maximum the largest value allowed
     * @return a copy with this range, which the default must respect
     * @throws IllegalArgumentException for a type without range, or an empty range
     */
    public ParmTemplate withRange(double minimum, double maximum) {
        if (type != ParmType.INT && type != ParmType.FLOAT && type != ParmType.VECTOR) {
            throw new IllegalArgumentException("parameter '" + name + "': a " + type.wireName() + " parameter has no range");
        }
        if (!(minimum <= maximum)) {
            throw new IllegalArgumentException("parameter '" + name + "': empty range [" + minimum + ", " + maximum + "]");
        }
        ParmTemplate t = new ParmTemplate(name, type, defaultValue, label, help, minimum, maximum, items);
        List<Double> values = type == ParmType.VECTOR ? t.vectorDefault() : List.of(((Number) defaultValue).doubleValue());
        for (double v : values) {
            if (v < minimum || v > maximum) {
                throw new IllegalArgumentException("parameter '" + name + "': the default " + defaultValue + " is outside ["
                        + minimum + ", " + maximum + "]");
            }
        }
        return t;
    }

    /**
     * @param text a short label for user interfaces
     * @return a copy with that label
     */
    public ParmTemplate withLabel(String text) {
        return new ParmTemplate(name, type, defaultValue, Objects.requireNonNull(text, "label"), help, min, max, items);
    }

    /**
     * @param text a sentence saying what the parameter does
     * @return a copy with that help text
     */
    public ParmTemplate withHelp(String text) {
        return new ParmTemplate(name, type, defaultValue, label, Objects.requireNonNull(text, "help"), min, max, items);
    }

    @SuppressWarnings("unchecked")
    private List<Double> vectorDefault() {
        return (List<Double>) defaultValue;
    }

    /** @return the parameter's name */
    public String name() {
        return name;
    }

    /** @return the parameter's type */
    public ParmType type() {
        return type;
    }

    /** @return the default value, of the Java type {@link #type()} names */
    public Object defaultValue() {
        return defaultValue;
    }

    /** @return the label (the name unless set) */
    public String label() {
        return label;
    }

    /** @return the help text, empty unless set */
    public String help() {
        return help;
    }

    /** @return the smallest value allowed, or null when unbounded */
    public Double min() {
        return min;
    }

    /** @return the largest value allowed, or null when unbounded */
    public Double max() {
        return max;
    }

    /** @return the menu items, empty for other types */
    public List<String> items() {
        return items;
    }

    /** @return the number of components: 2 to 4 for a vector, else 1 */
    public int size() {
        return type == ParmType.VECTOR ? vectorDefault().size() : 1;
    }

    @Override
    public Object toWire() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type.wireName());
        m.put("default", defaultValue);
        m.put("label", label);
        m.put("help", help);
        if (min != null) {
            m.put("min", min);
            m.put("max", max);
        }
        if (!items.isEmpty()) {
            m.put("items", items);
        }
        m.put("size", size());
        return m;
    }

    /**
     * The template a {@link #toWire()} map describes, checked as the factories check it.
     *
     * @param value a map from {@link #toWire()}
     * @return the template
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public static ParmTemplate fromWire(Object value) {
        if (!(value instanceof java.util.Map)) {
            throw new IllegalArgumentException("a parameter template is a map, not " + value);
        }
        java.util.Map<?, ?> m = (java.util.Map<?, ?>) value;
        Object n = m.get("name");
        Object t = m.get("type");
        Object d = m.get("default");
        if (!(n instanceof String) || !(t instanceof String) || d == null) {
            throw new IllegalArgumentException("a parameter template needs text 'name' and 'type' and a 'default'");
        }
        String name = (String) n;
        ParmTemplate p;
        switch ((String) t) {
            case "int":
                p = intParm(name, ((Number) d).longValue());
                break;
            case "float":
                p = floatParm(name, ((Number) d).doubleValue());
                break;
            case "text":
                p = textParm(name, (String) d);
                break;
            case "toggle":
                p = toggleParm(name, (Boolean) d);
                break;
            case "menu": {
                List<?> it = (List<?>) m.get("items");
                p = menuParm(name, (String) d, it.stream().map(String::valueOf).toArray(String[]::new));
                break;
            }
            case "vector": {
                List<?> v = (List<?>) d;
                double[] ds = new double[v.size()];
                for (int i = 0; i < ds.length; i++) {
                    ds[i] = ((Number) v.get(i)).doubleValue();
                }
                p = vectorParm(name, ds);
                break;
            }
            default:
                throw new IllegalArgumentException("parameter '" + name + "': no parameter type '" + t + "'");
        }
        if (m.get("min") instanceof Number && m.get("max") instanceof Number) {
            p = p.withRange(((Number) m.get("min")).doubleValue(), ((Number) m.get("max")).doubleValue());
        }
        if (m.get("label") instanceof String) {
            p = p.withLabel((String) m.get("label"));
        }
        if (m.get("help") instanceof String) {
            p = p.withHelp((String) m.get("help"));
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParmTemplate)) {
            return false;
        }
        ParmTemplate t = (ParmTemplate) o;
        return name.equals(t.name) && type == t.type && defaultValue.equals(t.defaultValue) && label.equals(t.label)
                && help.equals(t.help) && Objects.equals(min, t.min) && Objects.equals(max, t.max) && items.equals(t.items);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, defaultValue, label, help, min, max, items);
    }

    @Override
    public String toString() {
        return name + " (" + type.wireName() + ", default " + defaultValue
                + (min != null ? ", range [" + min + ", " + max + "]" : "")
                + (items.isEmpty() ? "" : ", items " + items) + ")";
    }
}
