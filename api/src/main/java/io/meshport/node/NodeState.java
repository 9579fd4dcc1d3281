package io.meshport.node;

/** Where a node stands. */
public enum NodeState {
    /** Never cooked, or its cooked output was dropped. */
    UNCOOKED,
    /** Cooked, and nothing it depends on has changed since. */
    COOKED,
    /**
     * Cooked, but a parameter, an input or a session key it read has changed since; if that cook
     * failed, {@link NodeInfo#error()} still says why.
     */
    DIRTY,
    /** Its last cook failed and nothing it depends on has changed since; {@link NodeInfo#error()} says why. */
    ERROR,
    /** No service provides its type now (the plugin is stopped or gone); its parameters are kept. */
    UNAVAILABLE
}
