package io.meshport.samples.ply;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.meshport.samples.text.Warnings;
import io.meshport.codec.CodecId;
import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionValue;

/**
 * The {@code ply} codec: the body of a put is a PLY file's bytes (a CBOR byte string), in any of the
 * three formats (ASCII, binary little endian, binary big endian); it becomes a mesh (see
 * {@link PlyReader} for how elements and properties map to points, faces and attributes). What the file
 * held that the mesh does not carry is listed in the put's summary, under {@code warnings}. It does not
 * encode: a mesh put through it is read back with codec {@code mesh}.
 *
 * <p>Stateless, so safe to call from many threads at once. It keeps nothing of the payload: the values
 * are copied into the mesh's own arrays. When activated it warms the reader up on a thread of its own
 * ({@link PlyWarmUp}), so that a fresh host's first put is about as fast as the next ones.
 */
@Component(service = PayloadCodec.class)
@CodecId("ply")
public final class PlyCodec implements PayloadCodec {
    private volatile PlyWarmUp warmUp;

    @Activate
    void activate() {
        warmUp = PlyWarmUp.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        warmUp.stop();
    }

    @Override
    public SessionValue decode(Payload payload, DecodeContext context) {
        if (!payload.isByteString()) {
            throw new MeshportException(ErrorCode.BAD_REQUEST,
                    "the ply codec needs the file's bytes as a byte string body, not another CBOR item");
        }
        PlyWarmUp w = warmUp;
        if (w != null) {
            w.giveWay(); // a real file is here: the warm-up would only take the processor from it
        }
        return read(payload.array(), payload.offset(), payload.length(), context.availableBytes());
    }

    /** @return the mesh in {@code b[off, off + len)}, with the standard summary and the warnings (see {@link PlyReader#read}) */
    static SessionValue read(byte[] b, int off, int len, long availableBytes) {
        Warnings warnings = new Warnings();
        return warnings.value(PlyReader.read(b, off, len, availableBytes, warnings));
    }
}
