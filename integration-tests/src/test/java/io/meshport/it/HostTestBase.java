package io.meshport.it;

import javax.inject.Inject;

import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.osgi.framework.Constants;

import io.meshport.client.MeshportClient;
import io.meshport.listener.ListenerStatus;
import io.meshport.session.SessionStore;

/**
 * What every host test shares: the listener and the session, injected, and a client connected to
 * the listener. It also gives the test probe explicit imports. Pax Exam's default is {@code DynamicImport-Package: *}, and
 * fifty threads loading the first class of a package at once through a dynamic import raced in Felix
 * (ClassNotFoundException for io.meshport.mesh.Mesh); packages wired at resolve time have no such
 * race. The rest (test runner, Pax Exam) still comes through the dynamic import.
 */
public abstract class HostTestBase {
    @Inject
    protected ListenerStatus listener;

    @Inject
    protected SessionStore store;

    /** @return the listener's port */
    protected int port() {
        return listener.address().getPort();
    }

    /** @return a client connected to the host, without token */
    protected MeshportClient connect() {
        return MeshportClient.connect("127.0.0.1", port());
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.IMPORT_PACKAGE, String.join(",",
                "io.meshport.client", "io.meshport.mesh", "io.meshport.session", "io.meshport.listener",
                "io.meshport.protocol", "io.meshport.codec", "io.meshport.node", "org.joml", "org.joml.primitives",
                "com.fasterxml.jackson.core", "com.fasterxml.jackson.core.type", "com.fasterxml.jackson.databind",
                "com.fasterxml.jackson.dataformat.cbor", "com.fasterxml.jackson.dataformat.cbor.databind",
                "org.osgi.framework", "javax.inject"));
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*"); // what the test runner itself needs
        return probe;
    }
}
