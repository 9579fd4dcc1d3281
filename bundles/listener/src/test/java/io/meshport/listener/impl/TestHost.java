package io.meshport.listener.impl;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.codecs.impl.BytesCodec;
import io.meshport.codecs.impl.CborCodec;
import io.meshport.codecs.impl.MeshCodec;
import io.meshport.meshreader.impl.MeshReaderService;
import io.meshport.session.impl.SessionStoreImpl;
import io.meshport.support.Log;

/** A socket server on 127.0.0.1, an ephemeral port, with the real store and built-in codecs. */
final class TestHost implements AutoCloseable {
    final SessionStoreImpl store;
    final SocketServer server;
    final CodecRegistry codecs;
    final ExportRegistry exports;

    TestHost(ListenerSettings.Builder limits) throws IOException {
        this(limits, 0);
    }

    TestHost(ListenerSettings.Builder limits, long storeBudget) throws IOException {
        this(limits, storeBudget, Log.STDERR);
    }

    TestHost(ListenerSettings.Builder limits, long storeBudget, Log log) throws IOException {
        store = new SessionStoreImpl(storeBudget, System::currentTimeMillis);
        codecs = new CodecRegistry(Log.STDERR);
        AtomicLong sid = new AtomicLong();
        codecs.add(sid.incrementAndGet(), "mesh", 0, "test", new MeshCodec(new MeshReaderService()), true); // progressive, as its component says
        codecs.add(sid.incrementAndGet(), "cbor", 0, "test", new CborCodec());
        codecs.add(sid.incrementAndGet(), "bytes", 0, "test", new BytesCodec());
        exports = new ExportRegistry(Log.STDERR);
        server = new SocketServer(limits.build(), () -> store, codecs, exports, log);
        server.start();
    }

    static TestHost start() throws IOException {
        return new TestHost(ListenerSettings.builder());
    }

    int port() {
        return server.address().getPort();
    }

    RawClient raw() throws IOException {
        return new RawClient(port());
    }

    @Override
    public void close() {
        server.stop("test over", 3000);
    }
}
