package io.meshport.protocol;

/**
 * A value type that chooses its own shape on the wire, for the arguments and results of {@code call}
 * (records, enums, lists, maps and the plain types need nothing: they map by themselves). The shape is
 * a plain value: null, a boolean, a number, text, a list, or a map with text keys, whose members may
 * be plain values, records, enums or wire values again.
 *
 * <p>A type that can also be received declares {@code public static T fromWire(Object value)},
 * taking that plain shape (numbers as {@code Long} or {@code Double}, lists as {@code List}, maps as
 * {@code Map}) and throwing {@code IllegalArgumentException} with a message naming what was wrong.
 * An enum implementing it is received by its wire value or by its constant's name.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface WireValue {
    /** @return the value's shape on the wire */
    Object toWire();
}
