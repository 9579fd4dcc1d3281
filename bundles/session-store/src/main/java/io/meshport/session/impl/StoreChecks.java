package io.meshport.session.impl;

import java.util.Map;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.protocol.Protocol;
import io.meshport.session.SessionStore;

/** The checks every session store makes of what it is asked, and the refusal of a value past the memory budget. */
final class StoreChecks {
    private StoreChecks() {
    }

    static void checkKey(String key) {
        String problem = Protocol.keyProblem(key);
        if (problem != null) {
            throw new MeshportException(ErrorCode.BAD_KEY, problem);
        }
    }

    static void checkToken(String requestToken) {
        if (requestToken != null && (requestToken.isEmpty() || requestToken.length() > SessionStore.MAX_TOKEN_LENGTH)) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "a request token is 1 to " + SessionStore.MAX_TOKEN_LENGTH
                    + " characters, not " + requestToken.length());
        }
    }

    /** @return the refusal of a value needing {@code more} bytes that the account has no room for */
    static MeshportException full(HeapAccount account, long used, long more) {
        long inFlight = account.reservedBytes();
        return new MeshportException(ErrorCode.OVERLOADED, "the session is full: it holds " + mib(used)
                + (inFlight > 0 ? " and data in flight " + mib(inFlight) : "") + " of its " + mib(account.limitBytes())
                + " budget, and this value needs " + mib(more) + " more",
                Map.of("usedBytes", used, "inFlightBytes", inFlight, "budgetBytes", account.limitBytes()));
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
