package io.meshport.meshreader.impl;

import org.osgi.service.component.annotations.Component;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshPayloadStream;

/**
 * The mesh reader bundle (io.meshport.mesh-reader): offers {@link MeshReader} as a service. The reading itself is the wire support's
 * {@link MeshCborReader}, which this bundle embeds, so that updating this bundle updates how
 * meshes are read without touching the codecs or the listener.
 */
@Component(service = MeshReader.class)
public final class MeshReaderService implements MeshReader {
    private final MeshCborReader reader = new MeshCborReader();

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base) {
        return reader.read(data, offset, length, base);
    }

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base, java.util.function.IntConsumer arrived) {
        return reader.read(data, offset, length, base, arrived);
    }

    @Override
    public Incoming incoming(long size) {
        MeshPayloadStream stream = new MeshPayloadStream(size);
        return new Incoming() {
            @Override
            public void accept(byte[] b, int off, int len) {
                stream.accept(b, off, len);
            }

            @Override
            public Mesh finish(BaseResolver base) {
                return reader.read(stream, base);
            }
        };
    }
}
