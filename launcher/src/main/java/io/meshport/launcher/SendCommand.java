package io.meshport.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.Protocol;

/**
 * The {@code meshport send} command: pushes a mesh file into a running host with the Java client, an
 * OBJ file read here ({@link ObjFiles}), a PLY or STL file as it is, for the host's codec bundles. What
 * a file held that the mesh does not carry is printed as {@code warning:} lines: for OBJ as it is read
 * (the mesh's {@code meta} keeps them too), for PLY and STL from the put's summary.
 */
final class SendCommand {
    /** The largest file: an upload is held in one array on the host (docs/protocol.md section 10.3). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    private final PrintStream out;
    private final boolean terminal;

    /**
     * @param out where to print what was stored
     * @param terminal whether {@code out} is an interactive terminal: only there is an upload's progress drawn
     */
    SendCommand(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** @return the client's options; a payload larger than a frame is uploaded in pieces, with a progress bar on a terminal */
    private ClientOptions options(String hostName, int port, String token, ProgressBar bar) {
        ClientOptions o = ClientOptions.of(hostName, port).withToken(token).withClientName("meshport send");
        return bar == null ? o : o.withUploadProgress(bar);
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
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new Main.UsageException("cannot send " + file.getFileName() + ": " + Files.size(file)
                        + " bytes is more than one upload carries (" + MAX_FILE_BYTES + " bytes, Java's array limit)");
            }
            long t0 = System.nanoTime();
            byte[] bytes = Files.readAllBytes(file);
            long t1 = System.nanoTime();
            ProgressBar bar = terminal ? new ProgressBar(out) : null;
            try (MeshportClient c = MeshportClient.connect(options(hostName, port, token, bar))) {
                PutResult r;
                try {
                    r = c.put(key, codec, bytes, -1);
                } finally {
                    if (bar != null) {
                        bar.finish();
                    }
                }
                long t2 = System.nanoTime();
                Map<String, Object> s = r.summary();
                out.printf(Locale.ROOT, "put %s: version %d, %s points, %s vertices, %s faces, attributes %s"
                        + " (codec %s, %d bytes, read %.1f ms, sent and decoded %.1f ms)%n",
                        r.key(), r.version(), s.get("points"), s.get("vertices"), s.get("faces"), s.get("attributes"),
                        codec, bytes.length, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                // What the file held that the codec did not carry (the put's summary lists it).
                if (s.get("warnings") instanceof List) {
                    for (Object w : (List<?>) s.get("warnings")) {
                        out.println("warning: " + w);
                    }
                }
            }
            return 0;
        }
        if (!name.endsWith(".obj")) {
            throw new Main.UsageException("cannot send " + file.getFileName() + ": supported formats are .obj, .ply and .stl");
        }
        long t0 = System.nanoTime();
        Mesh mesh = ObjFiles.read(file, w -> out.println("warning: " + w));
        long t1 = System.nanoTime();
        ProgressBar bar = terminal ? new ProgressBar(out) : null;
        try (MeshportClient c = MeshportClient.connect(options(hostName, port, token, bar))) {
            PutResult r;
            try {
                r = c.put(key, mesh);
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            long t2 = System.nanoTime();
            out.printf(Locale.ROOT, "put %s: version %d, %d points, %d vertices, %d faces, attributes %s (read %.1f ms, sent %.1f ms)%n",
                    r.key(), r.version(), mesh.pointCount(), mesh.vertexCount(), mesh.faceCount(), mesh.attributes().keySet(),
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        return 0;
    }
}
