package io.meshport.node;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of one node, as {@link NodeGraph#node(String)} gives it. Immutable.
 *
 * @param path the node's path, e.g. {@code "/obj/scatter1"}
 * @param type its type name
 * @param state where it stands
 * @param error why its last cook failed (or why it is unavailable), else null
 * @param warnings the warnings of its last cook
 * @param parms its parameter values by name, in the type's order
 * @param inputs the path wired to each input, null where none is
 * @param autoCook whether it re-cooks by itself when a session key it read changes
 * @param cookCount how many times it has cooked since the host started
 * @param lastCookMillis how long its last cook took, in milliseconds (0 if never)
 * @param outputKey the session key its last cook published to, or null
 * @param outputVersion the session version of that write, 0 if none
 * @param sessionKeys the session keys its last cook read, with the version each was at (0: absent)
 * @param stats the figures its last cook reported
 */
public record NodeInfo(String path, String type, NodeState state, String error, List<String> warnings,
        Map<String, Object> parms, List<String> inputs, boolean autoCook, long cookCount, double lastCookMillis,
        String outputKey, long outputVersion, Map<String, Long> sessionKeys, Map<String, Object> stats) {
}
