package io.meshport.node;

import java.util.List;
import java.util.Map;

/**
 * What {@link NodeGraph#cook(String)} reports. Immutable.
 *
 * @param path the node's path
 * @param points points of its output (0 when it has none)
 * @param vertices vertices of its output
 * @param faces faces of its output
 * @param outputKey the session key the output was published to, or null
 * @param outputVersion the session version of that write, 0 if none
 * @param recooked false when the cached output was still up to date and nothing ran
 * @param millis how long the node's own cook took, in milliseconds (0 when not recooked)
 * @param warnings the cook's warnings
 * @param stats the figures the cook reported
 */
public record CookResult(String path, int points, int vertices, int faces, String outputKey, long outputVersion,
        boolean recooked, double millis, List<String> warnings, Map<String, Object> stats) {
}
