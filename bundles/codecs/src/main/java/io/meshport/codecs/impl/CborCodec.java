package io.meshport.codecs.impl;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.meshport.codec.CodecId;
import io.meshport.codec.DecodeContext;
import io.meshport.codec.Encoded;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionValue;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * The {@code cbor} codec: the payload is one CBOR data item, stored and returned exactly as it came,
 * tags included. A byte-string body must hold one encoded item. It also gives the CBOR form of other
 * kinds: a mesh as its map, bytes as a byte string.
 */
@Component(service = PayloadCodec.class)
@CodecId("cbor")
public final class CborCodec implements PayloadCodec {

    @Override
    public SessionValue decode(Payload payload, DecodeContext context) {
        byte[] b = payload.array();
        int off = payload.offset();
        int end = off + payload.length();
        int itemEnd;
        try {
            itemEnd = Cbor.skip(b, off, end);
        } catch (CborFormatException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, (payload.isByteString()
                    ? "the byte string body must hold one encoded CBOR item: " : "the body is not well-formed CBOR: ")
                    + e.getMessage().replaceFirst(" at offset \\d+$", "") + " at byte " + (e.offset() - off));
        }
        if (itemEnd != end) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "the byte string body holds one CBOR item of "
                    + (itemEnd - off) + " bytes followed by " + (end - itemEnd) + " more bytes");
        }
        byte[] item = payload.copy();
        Map<String, Object> summary = new LinkedHashMap<>();
        int p = 0;
        while (Cbor.major(item, p) == Cbor.MAJOR_TAG) {
            try {
                p += Cbor.headerLength(item, p, item.length);
            } catch (CborFormatException e) {
                throw new IllegalStateException(e); // checked above
            }
        }
        summary.put("type", CborMessage.typeName(item, p));
        int major = Cbor.major(item, p);
        if (major == Cbor.MAJOR_ARRAY || major == Cbor.MAJOR_MAP) {
            try {
                long n = Cbor.argument(item, p, item.length);
                if (n != Cbor.INDEFINITE) {
                    summary.put(major == Cbor.MAJOR_MAP ? "entries" : "items", n);
                }
            } catch (CborFormatException e) {
                throw new IllegalStateException(e);
            }
        }
        return new SessionValue(SessionValue.KIND_CBOR, item, summary, 16L + item.length);
    }

    @Override
    public boolean canEncode(SessionValue value) {
        return value.value() instanceof byte[] || value.value() instanceof Mesh;
    }

    @Override
    public Encoded encode(SessionValue value) {
        if (value.value() instanceof Mesh) {
            return Encoded.ofItem(MeshCborWriter.encode((Mesh) value.value()).toArray(new ByteBuffer[0]));
        }
        byte[] b = (byte[]) value.value();
        return SessionValue.KIND_CBOR.equals(value.kind()) ? Encoded.ofItem(b) : Encoded.ofByteString(b);
    }
}
