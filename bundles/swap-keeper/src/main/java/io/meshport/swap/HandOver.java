package io.meshport.swap;

import java.util.Optional;

/**
 * Hands state from a component instance that stops to the one that replaces it, in memory: the old
 * instance deposits it when it is deactivated (its bundle being updated or stopped), the new one takes
 * it when it is activated. The state must be made of types that both versions see as the same classes:
 * JDK types and types of the API bundle, never classes of the depositing bundle itself.
 */
@org.osgi.annotation.versioning.ProviderType
public interface HandOver {
    /**
     * Leaves state under a name, replacing what was there.
     *
     * @param name a name the taker knows, such as the component's PID
     * @param state the state
     */
    void deposit(String name, Object state);

    /**
     * Takes the state left under a name; it is no longer held here afterwards.
     *
     * @param name the name
     * @return the state, or empty when none was left
     */
    Optional<Object> take(String name);
}
