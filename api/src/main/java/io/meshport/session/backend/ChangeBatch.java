package io.meshport.session.backend;

import java.util.List;

/**
 * Changes read from a shared session, in version order.
 *
 * @param changes the changes read
 * @param missed true when changes after the version asked for are no longer kept (the backend trimmed
 *        them): the reader has lost some and goes on from the oldest kept
 */
public record ChangeBatch(List<StoredChange> changes, boolean missed) {
    /** @param changes the changes read; copied */
    public ChangeBatch {
        changes = List.copyOf(changes);
    }
}
