package io.meshport.session.impl;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;

/**
 * Shell commands about the session, scope {@code meshport}: {@code meshport:keys [PREFIX]} lists its
 * keys with version, kind, codec, size and time; {@code meshport:session} sums it up.
 */
@Component(service = SessionCommands.class, property = {"osgi.command.scope=meshport", "osgi.command.function=keys",
    "osgi.command.function=session"})
public final class SessionCommands {
    @Reference
    private SessionStore store;

    /** @return every key */
    public String keys() {
        return keys("");
    }

    /**
     * @param prefix a plain key prefix
     * @return the keys under it, one per line
     */
    public String keys(String prefix) {
        List<SessionEntry> entries = store.list(prefix);
        StringBuilder s = new StringBuilder();
        for (SessionEntry e : entries) {
            s.append(String.format(Locale.ROOT, "%-40s v%-8d %-6s via %-6s %12d bytes  %s%n", e.key(), e.version(), e.kind(), e.codec(),
                    e.payloadBytes(), Instant.ofEpochMilli(e.updated())));
        }
        return s.length() == 0 ? "(no keys under '" + prefix + "')" : s.toString();
    }

    /** @return the session's id, version, key count and memory */
    public String session() {
        return String.format(Locale.ROOT, "session %s: version %d, %d keys, %.1f of %.1f MiB", store.sessionId(), store.currentVersion(),
                store.list("").size(), store.usedBytes() / 1048576.0, store.budgetBytes() / 1048576.0);
    }
}
