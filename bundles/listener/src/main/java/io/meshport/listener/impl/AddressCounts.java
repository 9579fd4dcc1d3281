package io.meshport.listener.impl;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/** Connections open per client address, for the per-address limit. Thread safe. */
final class AddressCounts {
    private final Map<InetAddress, Integer> counts = new HashMap<>();

    /**
     * Counts one more connection from an address, unless it has {@code max} already.
     *
     * @return true when counted
     */
    synchronized boolean tryAdd(InetAddress address, int max) {
        int n = counts.getOrDefault(address, 0);
        if (n >= max) {
            return false;
        }
        counts.put(address, n + 1);
        return true;
    }

    /** Counts one connection less from an address. */
    synchronized void remove(InetAddress address) {
        Integer n = counts.get(address);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            counts.remove(address);
        } else {
            counts.put(address, n - 1);
        }
    }

    /** @return connections open from an address */
    synchronized int count(InetAddress address) {
        return counts.getOrDefault(address, 0);
    }
}
