package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.MemoryAccount;
import io.meshport.session.SessionValue;

/** The memory account: stored values and data in flight share one limit. */
class MemoryAccountTest {
    private static SessionValue bytes(long n) {
        return new SessionValue(SessionValue.KIND_BYTES, new byte[0], java.util.Map.of("length", n), n);
    }

    @Test
    void storedValuesAndReservationsShareOneLimit() {
        SessionStoreImpl store = new SessionStoreImpl(1000, System::currentTimeMillis);
        MemoryAccount account = store.memory();
        assertEquals(1000, account.limitBytes());
        store.put("a", "bytes", 400, bytes(400), -1);
        long stored = store.usedBytes();
        assertEquals(stored, account.usedBytes());

        MemoryAccount.Reservation r = account.tryReserve(1000 - stored);
        assertNotNull(r, "what the store leaves may be reserved");
        assertNull(account.tryReserve(1), "and no more");
        // A value does not fit while a frame holds the room...
        MeshportException e = assertThrows(MeshportException.class,
                () -> store.put("b", "bytes", 10, bytes(10), -1));
        assertEquals(ErrorCode.OVERLOADED, e.code());
        assertEquals(1000 - stored, e.detail().get("inFlightBytes"));
        // ... and does once it is given back; releasing twice gives back once.
        r.release();
        r.release();
        assertEquals(stored, account.usedBytes());
        store.put("b", "bytes", 10, bytes(10), -1);
        assertNotNull(account.tryReserve(1000 - account.usedBytes()));
    }

    @Test
    void withoutABudgetTheAccountIsAShareOfTheHeap() {
        SessionStoreImpl store = new SessionStoreImpl(0, System::currentTimeMillis);
        assertEquals((long) (Runtime.getRuntime().maxMemory() * HeapAccount.DEFAULT_SHARE), store.memory().limitBytes());
        assertEquals(store.budgetBytes(), store.memory().limitBytes());
    }
}
