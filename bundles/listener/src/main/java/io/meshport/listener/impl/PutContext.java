package io.meshport.listener.impl;

import java.util.Optional;

import io.meshport.codec.DecodeContext;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;

/** What a codec learns about the put it decodes for. */
final class PutContext implements DecodeContext {
    private final String key;
    private final Optional<SessionEntry> current;
    private final SessionStore store;
    long required = SessionStore.ANY_VERSION;

    PutContext(String key, Optional<SessionEntry> current, SessionStore store) {
        this.key = key;
        this.current = current;
        this.store = store;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public Optional<SessionEntry> current() {
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
