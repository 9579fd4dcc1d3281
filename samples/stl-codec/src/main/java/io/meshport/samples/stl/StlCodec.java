package io.meshport.samples.stl;

import org.osgi.service.component.annotations.Component;

import io.meshport.samples.text.Warnings;
import io.meshport.codec.CodecId;
import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionValue;

/**
 * The {@code stl} codec: the body of a put is an STL file's bytes (a CBOR byte string), binary or
 * ASCII; it becomes a triangle mesh whose corners are welded into points by exact position, with the
 * facet normals as the face attribute {@code N} and the facet colours as {@code Cd} (see {@link StlReader}).
 * What the file held that the mesh does not carry is listed in the put's summary, under {@code warnings}.
 * It does not encode: a mesh put through it is read back with codec {@code mesh}.
 *
 * <p>Stateless, so safe to call from many threads at once; it keeps nothing of the payload.
 */
@Component(service = PayloadCodec.class)
@CodecId("stl")
public final class StlCodec implements PayloadCodec {

    @Override
    public SessionValue decode(Payload payload, DecodeContext context) {
        if (!payload.isByteString()) {
            throw new MeshportException(ErrorCode.BAD_REQUEST,
                    "the stl codec needs the file's bytes as a byte string body, not another CBOR item");
        }
        Warnings warnings = new Warnings();
        return warnings.value(StlReader.read(payload.array(), payload.offset(), payload.length(),
                context.availableBytes(), warnings));
    }
}
