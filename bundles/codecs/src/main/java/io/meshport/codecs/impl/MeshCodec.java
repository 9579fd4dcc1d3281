package io.meshport.codecs.impl;

import java.nio.ByteBuffer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.meshport.codec.CodecId;
import io.meshport.codec.DecodeContext;
import io.meshport.codec.Encoded;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.codec.StreamingDecode;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * The {@code mesh} codec: decodes through the mesh reader bundle's {@link MeshReader} service and encodes
 * meshes as the map of docs/protocol.md section 6.7 with little-endian typed arrays.
 */
@Component(service = PayloadCodec.class, property = PayloadCodec.PROGRESSIVE + ":Boolean=true")
@CodecId("mesh")
public final class MeshCodec implements PayloadCodec {
    private final MeshReader reader;

    /** @param reader the mesh reader bundle's service */
    @org.osgi.service.component.annotations.Activate
    public MeshCodec(@Reference MeshReader reader) {
        this.reader = reader;
    }

    @Override
    public SessionValue decode(Payload payload, DecodeContext context) {
        MeshReader.BaseResolver resolver = resolver(context);
        // A large mesh may be handed over while it arrives (this codec is PROGRESSIVE): the reader
        // copies its arrays as they come.
        Mesh mesh = payload.isArriving()
                ? reader.read(payload.array(), payload.offset(), payload.length(), resolver, payload::awaitArrived)
                : reader.read(payload.array(), payload.offset(), payload.length(), resolver);
        return SessionValue.ofMesh(mesh);
    }

    /** An upload's mesh: its large typed arrays converted as their bytes arrive, the rest kept until the end. */
    @Override
    public StreamingDecode streaming(long size) {
        MeshReader.Incoming incoming = reader.incoming(size);
        if (incoming == null) {
            return null;
        }
        return new StreamingDecode() {
            @Override
            public void accept(byte[] b, int off, int len) {
                incoming.accept(b, off, len);
            }

            @Override
            public SessionValue finish(DecodeContext context) {
                return SessionValue.ofMesh(incoming.finish(resolver(context)));
            }
        };
    }

    private static MeshReader.BaseResolver resolver(DecodeContext context) {
        return base -> {
            SessionEntry current = context.current().orElse(null);
            long at = current == null ? 0 : current.version();
            if (current == null || at != base) { // base 0 on an absent key: there is no mesh to update
                throw MeshportException.conflict("base " + base + " is not the current version of '" + context.key()
                        + "': " + (current == null ? "the key is absent" : "it is at version " + at), at);
            }
            if (!(current.value().value() instanceof Mesh)) {
                throw new InvalidMeshException("base: '" + context.key() + "' holds a " + current.kind()
                        + " value, not a mesh");
            }
            // Decoded from this version: the write must find the key still there.
            context.requireVersion(base);
            return (Mesh) current.value().value();
        };
    }

    @Override
    public boolean canEncode(SessionValue value) {
        return value.value() instanceof Mesh;
    }

    @Override
    public Encoded encode(SessionValue value) {
        return Encoded.ofItem(MeshCborWriter.encode((Mesh) value.value()).toArray(new ByteBuffer[0]));
    }
}
