package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.meshport.codec.PayloadCodec;

/**
 * The codecs on the whiteboard, by id. When several services claim one id, the highest service
 * ranking serves it (then the oldest service), and the conflict is logged. Lookups read an immutable
 * snapshot; registrations rebuild it.
 */
final class CodecRegistry {
    /** One registered codec service. */
    static final class Registration {
        final long serviceId;
        final String codecId;
        final int ranking;
        final String owner;
        final PayloadCodec codec;

        Registration(long serviceId, String codecId, int ranking, String owner, PayloadCodec codec) {
            this.serviceId = serviceId;
            this.codecId = codecId;
            this.ranking = ranking;
            this.owner = owner;
            this.codec = codec;
        }

        boolean beats(Registration o) {
            return ranking != o.ranking ? ranking > o.ranking : serviceId < o.serviceId;
        }
    }

    private final Log log;
    private final Map<Long, Registration> registrations = new HashMap<>();
    private volatile Map<String, Registration> byId = Collections.emptyMap();

    CodecRegistry(Log log) {
        this.log = log;
    }

    synchronized void add(Registration r) {
        if (r.codecId == null || r.codecId.isEmpty()) {
            log.warn("a codec service from " + r.owner + " has no " + PayloadCodec.ID + " property; it is ignored", null);
            return;
        }
        registrations.put(r.serviceId, r);
        rebuild();
    }

    synchronized void remove(long serviceId) {
        if (registrations.remove(serviceId) != null) {
            rebuild();
        }
    }

    private void rebuild() {
        Map<String, Registration> winners = new TreeMap<>();
        Map<String, List<Registration>> claims = new HashMap<>();
        for (Registration r : registrations.values()) {
            claims.computeIfAbsent(r.codecId, k -> new ArrayList<>()).add(r);
            Registration w = winners.get(r.codecId);
            if (w == null || r.beats(w)) {
                winners.put(r.codecId, r);
            }
        }
        for (Map.Entry<String, List<Registration>> e : claims.entrySet()) {
            Registration w = winners.get(e.getKey());
            if (e.getValue().size() > 1) {
                StringBuilder s = new StringBuilder("codec id '" + e.getKey() + "' is claimed by ");
                for (Registration r : e.getValue()) {
                    s.append(r.owner).append(" (ranking ").append(r.ranking).append(", service ").append(r.serviceId).append("), ");
                }
                s.append("the one from ").append(w.owner).append(" with ranking ").append(w.ranking).append(" serves it");
                log.warn(s.toString(), null);
            }
        }
        byId = Collections.unmodifiableMap(winners);
    }

    /**
     * @param codecId a codec id
     * @return the codec serving it, or null
     */
    PayloadCodec get(String codecId) {
        Registration r = byId.get(codecId);
        return r == null ? null : r.codec;
    }

    /** @return the installed codec ids, sorted */
    List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }
}
