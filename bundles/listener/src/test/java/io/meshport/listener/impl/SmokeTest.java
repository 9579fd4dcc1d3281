package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;

class SmokeTest {
    @Test
    void helloPutGetOverRawFramesAndTheJavaClient() throws Exception {
        try (TestHost host = TestHost.start(); RawClient c = host.raw()) {
            c.send(w -> w.mapHeader(3).text("op").text("hello").text("id").uint(1).text("version").uint(1));
            Map<Object, Object> r = c.read();
            assertEquals(1L, r.get("id"));
            assertEquals(true, r.get("ok"));
            Map<?, ?> res = (Map<?, ?>) r.get("result");
            assertEquals("meshport", res.get("server"));
            assertEquals(List.of("bytes", "cbor", "mesh"), res.get("codecs"));
            c.send(w -> w.mapHeader(5).text("op").text("put").text("id").uint(2).text("key").text("a/b")
                    .text("codec").text("cbor").text("body").mapHeader(1).text("x").integer(-5));
            r = c.read();
            assertEquals(true, r.get("ok"), r.toString());
            c.send(w -> w.mapHeader(3).text("op").text("get").text("id").uint(3).text("key").text("a/b"));
            r = c.read();
            assertEquals(Map.of("x", -5L), ((Map<?, ?>) r.get("result")).get("body"));

            try (MeshportClient jc = MeshportClient.connect("127.0.0.1", host.port())) {
                Mesh m = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
                PutResult p = jc.put("geo/tri", m);
                assertEquals(2, p.version());
                assertEquals(m, jc.getMesh("geo/tri").mesh());
                assertTrue(jc.ping() > 0);
            }
        }
    }
}
