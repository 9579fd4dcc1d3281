package io.meshport.listener.impl;

import java.util.Optional;

import io.meshport.codec.DecodeContext;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;

/** What a codec learns about the put it decodes for. */
final class PutContext implements DecodeContext {
    private final String key;
    private Optional<SessionEntry> current;
    private final SessionStore store;
    long required = SessionStore.ANY_VERSION;

    /** With the key's entry known already (read for a check of {@code ifVersion}). */
    PutContext(String key, Optional<SessionEntry> current, SessionStore store) {
        this.key = key;
        this.current = current;
        this.store = store;
    }

    /** The key's entry is read only if the codec asks for it (a {@code base}): a shared session's get costs a round trip. */
    PutContext(String key, SessionStore store) {
        this.key = key;
        this.store = store;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public synchronized Optional<SessionEntry> current() {
        if (current == null) {
            current = store.get(key);
        }
        return current;
    }

    @Override
    public long availableBytes() {
        return Math.max(0, store.memory().limitBytes() - store.memory().usedBytes());
    }

    @Override
    public void requireVersion(long version) {
        required = version;
    }
}
