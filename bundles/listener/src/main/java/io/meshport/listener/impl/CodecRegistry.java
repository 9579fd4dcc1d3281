package io.meshport.listener.impl;

import java.util.List;

import io.meshport.codec.PayloadCodec;
import io.meshport.support.Log;
import io.meshport.support.RankedServices;

/**
 * The codecs on the whiteboard, by id: when several services claim one id, the highest service
 * ranking serves it (then the oldest service), and the conflict is logged. A service without an id is
 * logged and ignored. A request for an id whose codec just left waits a moment for its successor, unless
 * its bundle was uninstalled ({@link Whiteboard}).
 */
final class CodecRegistry {
    private final Log log;
    private final Whiteboard<PayloadCodec> codecs;
    private final java.util.Set<Long> progressive = java.util.concurrent.ConcurrentHashMap.newKeySet();

    CodecRegistry(Log log) {
        this.log = log;
        this.codecs = new Whiteboard<>("codec id", log);
    }

    /**
     * @param serviceId the codec service's id
     * @param codecId the value of its {@value PayloadCodec#ID} property, if it is a text
     * @param ranking its service ranking
     * @param owner the bundle providing it, for people
     * @param codec the codec
     */
    void add(long serviceId, String codecId, int ranking, String owner, PayloadCodec codec) {
        add(serviceId, codecId, ranking, owner, codec, false);
    }

    /** @param decodesProgressively its {@value PayloadCodec#PROGRESSIVE} property is true */
    void add(long serviceId, String codecId, int ranking, String owner, PayloadCodec codec, boolean decodesProgressively) {
        add(serviceId, Whiteboard.NO_BUNDLE, codecId, ranking, owner, codec, decodesProgressively);
    }

    /** @param bundleId the id of the bundle providing it */
    void add(long serviceId, long bundleId, String codecId, int ranking, String owner, PayloadCodec codec, boolean decodesProgressively) {
        if (codecId == null || codecId.isEmpty()) {
            log.warn("a codec service from " + owner + " has no " + PayloadCodec.ID + " property; it is ignored", null);
            return;
        }
        if (decodesProgressively) {
            progressive.add(serviceId);
        }
        codecs.add(new RankedServices.Entry<>(serviceId, codecId, ranking, owner, codec), bundleId);
    }

    void remove(long serviceId) {
        codecs.remove(serviceId);
        progressive.remove(serviceId);
    }

    /** @param bundleId the id of a bundle that was uninstalled: the ids its codecs served are not waited for */
    void uninstalled(long bundleId) {
        codecs.uninstalled(bundleId);
    }

    /**
     * @param codecId a codec id
     * @return the codec serving it now if it decodes payloads while they arrive, else null
     */
    PayloadCodec progressive(String codecId) {
        RankedServices.Entry<PayloadCodec> e = codecs.get(codecId);
        return e != null && progressive.contains(e.serviceId()) ? e.value() : null;
    }

    /**
     * @param codecId a codec id
     * @return the codec serving it, or null
     */
    PayloadCodec get(String codecId) {
        RankedServices.Entry<PayloadCodec> e = codecs.get(codecId);
        return e == null ? null : e.value();
    }

    /**
     * @param codecId a codec id
     * @return the codec serving it, waiting up to {@value #SWAP_GRACE_MS} ms when it was served a moment
     *         ago (its bundle is being updated, not uninstalled); null when there is none
     */
    PayloadCodec await(String codecId) {
        RankedServices.Entry<PayloadCodec> e = codecs.await(codecId, SWAP_GRACE_MS);
        return e == null ? null : e.value();
    }

    /** How long a request waits for a codec or service whose bundle is being updated. */
    static final long SWAP_GRACE_MS = 3000;

    /** @return the installed codec ids, sorted */
    List<String> ids() {
        return codecs.names();
    }
}
