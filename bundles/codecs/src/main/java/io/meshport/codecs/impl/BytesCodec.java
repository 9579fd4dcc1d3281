package io.meshport.codecs.impl;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.meshport.codec.CodecId;
import io.meshport.codec.DecodeContext;
import io.meshport.codec.Encoded;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionValue;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

/**
 * The {@code bytes} codec: the body must be a byte string (or tag 64 over one); its content is stored
 * and returned as it is. A stored CBOR item can be fetched through it as its encoded bytes.
 */
@Component(service = PayloadCodec.class)
@CodecId("bytes")
public final class BytesCodec implements PayloadCodec {

    @Override
    public SessionValue decode(Payload payload, DecodeContext context) {
        byte[] content;
        if (payload.isByteString()) {
            content = payload.copy();
        } else {
            content = unwrapTag64(payload);
        }
        return new SessionValue(SessionValue.KIND_BYTES, content, Map.of("length", content.length), 16L + content.length);
    }

    private static byte[] unwrapTag64(Payload payload) {
        byte[] b = payload.array();
        int p = payload.offset();
        int end = p + payload.length();
        try {
            if (Cbor.major(b, p) == Cbor.MAJOR_TAG && Cbor.argument(b, p, end) == 64) {
                int inner = p + Cbor.headerLength(b, p, end);
                if (inner < end && Cbor.major(b, inner) == Cbor.MAJOR_BYTES) {
                    return Cbor.stringBytes(b, inner, end);
                }
            }
        } catch (CborFormatException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "the body is not well-formed CBOR: " + e.getMessage());
        }
        throw new MeshportException(ErrorCode.BAD_REQUEST, "the bytes codec needs a byte string body (or tag 64 over one), got a "
                + CborMessage.typeName(b, p));
    }

    @Override
    public boolean canEncode(SessionValue value) {
        return value.value() instanceof byte[];
    }

    @Override
    public Encoded encode(SessionValue value) {
        return Encoded.ofByteString((byte[]) value.value());
    }
}
