package io.meshport.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.Protocol;

/**
 * The {@code meshport send} command: pushes a mesh file into a running host with the Java client, an
 * OBJ file read here ({@link ObjFiles}), a PLY or STL file as it is, for the host's codec bundles.
 */
final class SendCommand {
    private final PrintStream out;

    /** @param out where to print what was stored */
    SendCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * @param a the command line after {@code send}
     * @return the exit code
     */
    int run(Main.Args a) throws Exception {
        Path file = Paths.get(a.positional("FILE"));
        String key = a.value("--key");
        String hostName = a.has("--host") ? a.value("--host") : Protocol.DEFAULT_BIND;
        int port = a.has("--port") ? a.port("--port") : Protocol.DEFAULT_PORT;
        String token = a.has("--token-file") ? Files.readAllLines(a.readableFile("--token-file")).get(0).trim() : null;
        a.noMore();
        if (!Files.isRegularFile(file)) {
            throw new Main.UsageException("no file " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ply") || name.endsWith(".stl")) {
            // Sent as they are, as the body of a put with codec ply or stl: the host's codec bundle reads
            // them (a host without it answers NO_CODEC and lists the codecs it has).
            String codec = name.substring(name.length() - 3);
            if (Files.size(file) > Integer.MAX_VALUE - 1024) {
                throw new Main.UsageException("cannot send " + file.getFileName() + ": " + Files.size(file)
                        + " bytes is more than one frame can carry");
            }
            long t0 = System.nanoTime();
            byte[] bytes = Files.readAllBytes(file);
            long t1 = System.nanoTime();
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of(hostName, port).withToken(token).withClientName("meshport send"))) {
                PutResult r = c.put(key, codec, bytes, -1);
                long t2 = System.nanoTime();
                Map<String, Object> s = r.summary();
                out.printf(Locale.ROOT, "put %s: version %d, %s points, %s vertices, %s faces, attributes %s"
                        + " (codec %s, %d bytes, read %.1f ms, sent and decoded %.1f ms)%n",
                        r.key(), r.version(), s.get("points"), s.get("vertices"), s.get("faces"), s.get("attributes"),
                        codec, bytes.length, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
            return 0;
        }
        if (!name.endsWith(".obj")) {
            throw new Main.UsageException("cannot send " + file.getFileName() + ": supported formats are .obj, .ply and .stl");
        }
        long t0 = System.nanoTime();
        Mesh mesh = ObjFiles.read(file, w -> out.println("warning: " + w));
        long t1 = System.nanoTime();
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of(hostName, port).withToken(token).withClientName("meshport send"))) {
            PutResult r = c.put(key, mesh);
            long t2 = System.nanoTime();
            out.printf(Locale.ROOT, "put %s: version %d, %d points, %d vertices, %d faces, attributes %s (read %.1f ms, sent %.1f ms)%n",
                    r.key(), r.version(), mesh.pointCount(), mesh.vertexCount(), mesh.faceCount(), mesh.attributes().keySet(),
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        return 0;
    }
}
