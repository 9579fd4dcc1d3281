package io.meshport.session;

/**
 * Receives the changes of keys under a prefix, registered with
 * {@link SessionStore#subscribe(String, SessionListener)}.
 *
 * <p>Changes arrive one at a time, in version order, on the thread that made the change and while
 * the store holds its write lock: an implementation must return quickly, must not block, and must
 * not write to the store (hand the change to your own queue or executor instead). An exception
 * thrown here is logged and does not undo the change.
 */
@FunctionalInterface
@org.osgi.annotation.versioning.ConsumerType
public interface SessionListener {
    /** @param change the change */
    void changed(SessionChange change);
}
