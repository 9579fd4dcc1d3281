package io.meshport.listener.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

/**
 * Starts a {@link TestHost} per test (lazily, with the limits a test asks for) and closes the raw
 * clients the test opened before the host, so that stopping never waits for a client.
 */
abstract class HostTestBase {
    TestHost host;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Starts the host with these limits (call once, before {@link #client()}). */
    TestHost start(ListenerSettings.Builder limits) throws IOException {
        host = new TestHost(limits);
        return host;
    }

    TestHost start(ListenerSettings.Builder limits, long storeBudget) throws IOException {
        host = new TestHost(limits, storeBudget);
        return host;
    }

    /** @return a new raw client of the host (started with defaults if none is) */
    RawClient client() throws IOException {
        if (host == null) {
            start(ListenerSettings.builder());
        }
        RawClient c = host.raw();
        opened.add(c);
        return c;
    }

    /** Registers something to close before the host stops. */
    <T extends AutoCloseable> T closeLater(T c) {
        opened.add(c);
        return c;
    }

    @AfterEach
    void stopHost() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        opened.clear();
        if (host != null) {
            host.close();
            host = null;
        }
    }
}
