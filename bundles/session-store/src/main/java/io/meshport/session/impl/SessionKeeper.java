package io.meshport.session.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

import io.meshport.session.SessionEntry;
import io.meshport.swap.HandOver;

/**
 * Keeps the session from one store to the next: across an update of this bundle (in memory through the
 * hand-over service, else in a file of the bundle's data area), and, for a durable session, across host
 * restarts and crashes in the session's file, which a {@link WriteBehind} keeps up to date.
 */
final class SessionKeeper {
    /** The name the session is handed over under across an update of this bundle. */
    static final String HAND_OVER = SessionStoreImpl.PID;
    private static final long CLOSE_MILLIS = 60_000;

    /** A session as one store gives it to the next. */
    record State(String sessionId, long version, long used, ConcurrentSkipListMap<String, SessionEntry> entries, Map<?, ?> writes) {
    }

    private final Path durableDir;
    private final Path updateDir;
    private final boolean force;
    private final HandOver handOver;
    private final StoreLog log;
    private WriteBehind journal;
    private SessionLoader loader;

    /**
     * @param durableDir the folder of a durable session's file, or null for a session in memory
     * @param updateDir a folder of this bundle's data area, where a session in memory waits for the next
     *        store when there is no hand-over service; null when there is none
     * @param force whether the durable file's writes are forced to the device
     * @param handOver the hand-over service, or null
     * @param log where it reports
     */
    SessionKeeper(Path durableDir, Path updateDir, boolean force, HandOver handOver, StoreLog log) {
        this.durableDir = durableDir;
        this.updateDir = updateDir;
        this.force = force;
        this.handOver = handOver;
        this.log = log;
    }

    /** @return what keeps the durable file up to date, or null when the session is not durable (or its file failed to open) */
    WriteBehind journal() {
        return journal;
    }

    /** @return what reads the durable file's values while the host runs, or null when nothing is left to read */
    SessionLoader loader() {
        return loader;
    }

    /**
     * Finds the session this store starts with: the one handed over by the store this one replaces, else
     * the durable file's (whose values a {@link #loader()} then reads, into {@code loaded}), else the
     * one the replaced store left in the data area; else a new one.
     *
     * @param loaded takes the entries the loader reads
     */
    State start(java.util.function.Consumer<SessionEntry> loaded) {
        State handed = handedOver();
        SessionFile file = durableDir == null ? null : openDurable();
        if (file == null) {
            return handed != null ? handed : fromUpdateFolder();
        }
        State state;
        if (handed != null) {
            state = handed;
        } else {
            SessionFile.Opened o = file.openSession();
            state = new State(o.sessionId(), o.version(), 0, new ConcurrentSkipListMap<>(), Map.of());
            if (o.keys().isEmpty() && o.version() == 0) {
                log.info("new session " + o.sessionId() + ", kept in " + file.path());
            } else {
                log.info("session " + o.sessionId() + " at version " + o.version() + ": reading its " + o.keys().size()
                        + " keys from " + file.path() + " while the host serves (a request for a key not read yet reads it first)");
                loader = new SessionLoader(file, o, loaded, log);
            }
        }
        journal = new WriteBehind(file, state.version(), force, log::warn, log::info);
        if (handed != null) {
            resync(file, state);
        }
        journal.start();
        return state;
    }

    /** The store before this one closed the file after writing everything; if it could not, everything is written again. */
    private void resync(SessionFile file, State state) {
        long kept = file.adopt(state.sessionId(), state.version());
        if (kept == state.version()) {
            return;
        }
        log.warn("the session file " + file.path() + " is at version " + kept + ", the session handed over at " + state.version()
                + ": it is written again");
        for (String key : file.keys()) {
            if (!state.entries().containsKey(key)) {
                journal.delete(key, state.version());
            }
        }
        state.entries().values().forEach(journal::put);
    }

    private SessionFile openDurable() {
        try {
            SessionFile f = SessionFile.open(durableDir);
            if (f.searchedMillis() >= 0) {
                log.warn("the session file " + f.path() + " was not closed (the host stopped without closing it), and the store's quick"
                        + " search found an older commit than its last: it was searched whole, in " + f.searchedMillis() + " ms");
            }
            if (f.commitsMissing() > 0) {
                log.error("the session file " + f.path() + " is " + f.commitsMissing() + " commits behind the last one forced to"
                        + " the device, even searched whole: the writes of those commits are lost");
            }
            return f;
        } catch (IOException first) {
            Path damaged = durableDir.resolve(SessionFile.FILE_NAME);
            String why = first.getMessage();
            if (Files.isRegularFile(damaged) && Files.isWritable(durableDir) && !why.contains("locked")) {
                Path aside = damaged.resolveSibling(SessionFile.FILE_NAME + ".damaged-" + Instant.now().toString().replace(':', '-'));
                try {
                    Files.move(damaged, aside, StandardCopyOption.REPLACE_EXISTING);
                    log.error("the session file " + damaged + " cannot be opened (" + why + "): it was moved to " + aside
                            + " and is kept there; the session starts empty in a new file");
                    return SessionFile.open(durableDir);
                } catch (IOException again) {
                    why = why + "; then " + again.getMessage();
                }
            }
            log.error("THE SESSION IS NOT DURABLE: its file in " + durableDir + " cannot be opened (" + why + "); the session is"
                    + " kept in memory only and ends with the host");
            return null;
        }
    }

    private State load(SessionFile file) {
        long t0 = System.nanoTime();
        int[] problems = {0};
        SessionFile.Loaded l = file.load(p -> {
            problems[0]++;
            log.error("the session file " + file.path() + ": could not read " + p + "; that key is left out");
        });
        ConcurrentSkipListMap<String, SessionEntry> entries = new ConcurrentSkipListMap<>();
        long used = 0;
        for (SessionEntry e : l.entries()) {
            entries.put(e.key(), e);
            used += e.value().retainedBytes();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (entries.isEmpty() && problems[0] == 0 && l.version() == 0) {
            log.info("new session " + l.sessionId() + ", kept in " + file.path());
        } else {
            log.info("restored session " + l.sessionId() + " from " + file.path() + ": " + entries.size() + " keys ("
                    + String.format("%.1f MB", l.bytes() / 1e6) + "), version " + l.version() + ", in " + ms + " ms"
                    + (problems[0] > 0 ? "; " + problems[0] + " keys could not be read" : ""));
        }
        return new State(l.sessionId(), l.version(), used, entries, Map.of());
    }

    private State handedOver() {
        Object state = handOver == null ? null : handOver.take(HAND_OVER).orElse(null);
        if (state == null) {
            return null;
        }
        if (state instanceof Map<?, ?> m && m.get("sessionId") instanceof String id && m.get("version") instanceof Long v
                && m.get("used") instanceof Long used && m.get("entries") instanceof ConcurrentSkipListMap
                && m.get("writes") instanceof Map<?, ?> writes) {
            @SuppressWarnings("unchecked")
            ConcurrentSkipListMap<String, SessionEntry> entries = (ConcurrentSkipListMap<String, SessionEntry>) m.get("entries");
            log.info("took over session " + id + ": " + entries.size() + " keys, version " + v);
            return new State(id, v, used, entries, writes);
        }
        log.warn("the session handed over is not one this store can read; starting with the session kept on disk, if any");
        return null;
    }

    /** A session in memory that the replaced store left in the data area (no hand-over service). */
    private State fromUpdateFolder() {
        if (updateDir == null || !Files.exists(updateDir.resolve(SessionFile.FILE_NAME))) {
            return new State(UUID.randomUUID().toString(), 0, 0, new ConcurrentSkipListMap<>(), Map.of());
        }
        State s;
        try (SessionFile file = SessionFile.open(updateDir)) {
            s = load(file);
        } catch (IOException | RuntimeException e) {
            log.error("the session the previous store left in " + updateDir + " is unusable (" + e.getMessage()
                    + "); the session starts empty");
            s = new State(UUID.randomUUID().toString(), 0, 0, new ConcurrentSkipListMap<>(), Map.of());
        }
        deleteUpdateFolder();
        return s;
    }

    private void deleteUpdateFolder() {
        try (Stream<Path> files = Files.list(updateDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not clear " + updateDir + ": " + e.getMessage());
        }
    }

    /**
     * Passes the session on as the store stops while the host goes on (an update of this bundle):
     * handed over in memory when possible, its durable file closed cleanly first.
     *
     * @param state the session (no write is applied any more)
     * @param handOverUsable whether the hand-over service may be given it
     */
    void passOn(State state, Map<?, ?> writes, boolean handOverUsable) {
        closeDurable(state.version());
        if (handOver != null && handOverUsable) {
            Map<String, Object> m = new HashMap<>();
            m.put("sessionId", state.sessionId());
            m.put("version", state.version());
            m.put("used", state.used());
            m.put("entries", state.entries());
            m.put("writes", writes);
            handOver.deposit(HAND_OVER, m);
            log.info("handed over session " + state.sessionId() + ": " + state.entries().size() + " keys, version " + state.version());
            return;
        }
        if (journal != null || updateDir == null) {
            return; // the next store reads the durable file
        }
        try (SessionFile file = SessionFile.open(updateDir)) {
            file.sessionId(state.sessionId());
            int skipped = 0;
            for (SessionEntry e : state.entries().values()) {
                if (file.write(e) < 0) {
                    skipped++;
                    log.warn("not kept for the next store: '" + e.key() + "' (a " + e.value().value().getClass().getName() + ")");
                }
            }
            file.closeClean(state.version());
            log.info("wrote session " + state.sessionId() + " to " + updateDir + " for the next store: "
                    + (state.entries().size() - skipped) + " keys, version " + state.version());
        } catch (IOException | RuntimeException e) {
            log.error("could not write the session to " + updateDir + " for the next store: " + e.getMessage() + "; the session is lost");
        }
    }

    /** Drops what is pending and closes the durable file without a last commit, as a crash would (tests). */
    void abandon() {
        if (journal != null) {
            journal.abandon();
            journal = null;
        }
    }

    /** Writes what is pending to the durable file and closes it (the host stops, or the store is replaced). */
    void closeDurable(long version) {
        if (journal == null) {
            return;
        }
        if (!journal.close(version, CLOSE_MILLIS)) {
            log.error("the session file could not be brought up to version " + version + " before it was closed;"
                    + " the writes since are not on disk");
        }
        journal = null;
    }
}
