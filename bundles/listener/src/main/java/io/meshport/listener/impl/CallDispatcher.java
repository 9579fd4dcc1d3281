package io.meshport.listener.impl;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.Quoted;
import io.meshport.wire.call.CallValues;

/**
 * Runs {@code call} requests: finds the exported service and the method (by name and argument count),
 * maps the arguments to the method's parameter types, invokes it on a thread of its own pool, and
 * sends the result. A call holds its connection's later requests back (replies stay in order) but no
 * worker thread, so a long call never stalls other clients; the pool is bounded, and a call beyond it
 * is refused with {@code OVERLOADED}.
 */
final class CallDispatcher {
    /** Meshes in call arguments have no key and no current version: {@code base} makes no sense there. */
    private static final DecodeContext ARGUMENT = new DecodeContext() {
        @Override
        public String key() {
            return "(a call argument)";
        }

        @Override
        public Optional<SessionEntry> current() {
            return Optional.empty();
        }

        @Override
        public long availableBytes() {
            return Long.MAX_VALUE;
        }

        @Override
        public void requireVersion(long version) {
            throw new MeshportException(ErrorCode.BAD_ARGS, "a mesh argument cannot have a 'base'");
        }
    };

    private final SocketServer server;
    private final ThreadPoolExecutor pool;
    private final CallValues.Meshes meshes;

    CallDispatcher(SocketServer server, int maxConcurrentCalls) {
        this.server = server;
        this.pool = new ThreadPoolExecutor(0, maxConcurrentCalls, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new DaemonThreads("meshport-call-", server.log));
        this.meshes = new CallValues.Meshes() {
            @Override
            public Mesh read(byte[] b, int off, int len) {
                return meshCodec().decode(new Payload(b, off, len, false), ARGUMENT).value(Mesh.class);
            }

            @Override
            public List<ByteBuffer> write(Mesh mesh) {
                return Arrays.asList(meshCodec().encode(SessionValue.ofMesh(mesh)).parts());
            }
        };
    }

    private PayloadCodec meshCodec() {
        PayloadCodec c = server.codecs.await(SessionValue.KIND_MESH);
        if (c == null) {
            throw new MeshportException(ErrorCode.NO_CODEC, "no 'mesh' codec is installed, so meshes cannot travel in calls now");
        }
        return c;
    }

    /**
     * Starts a call.
     *
     * @param c the connection
     * @param id the request id, or null for a call without reply
     * @param service the exported name
     * @param methodName the method
     * @param frame the request frame
     * @param argsStart where the {@code args} array starts, or -1 when there is none (or it is null)
     * @param argsEnd where it ends
     * @return completes once the call has run and its reply is queued
     * @throws MeshportException {@code NO_SERVICE}, {@code NO_METHOD}, {@code BAD_ARGS} for the argument
     *         count, {@code OVERLOADED} when too many calls run
     */
    CompletableFuture<Void> call(Connection c, Long id, String service, String methodName, byte[] frame, int argsStart, int argsEnd) {
        ExportRegistry.Export export = server.exports.await(service);
        if (export == null) {
            List<String> names = server.exports.names();
            throw new MeshportException(ErrorCode.NO_SERVICE, "no service " + Quoted.quote(service) + " is exported by this host"
                    + (names.isEmpty() ? " (it exports none)" : "; it exports: " + String.join(", ", names)));
        }
        List<Method> candidates = export.methods.get(methodName);
        if (candidates == null) {
            throw new MeshportException(ErrorCode.NO_METHOD, "service " + Quoted.quote(service) + " has no method " + Quoted.quote(methodName)
                    + "; its methods: " + String.join(", ", export.methodNames()));
        }
        int[] ranges = argumentRanges(frame, argsStart, argsEnd);
        int count = ranges.length / 2;
        List<Method> fitting = new ArrayList<>();
        for (Method m : candidates) {
            if (m.getParameterCount() == count) {
                fitting.add(m);
            }
        }
        if (fitting.isEmpty()) {
            StringBuilder s = new StringBuilder(service + "." + methodName + " takes ");
            for (int i = 0; i < candidates.size(); i++) {
                s.append(i == 0 ? "" : " or ").append(signature(candidates.get(i)));
            }
            throw new MeshportException(ErrorCode.BAD_ARGS, s.append(", not ").append(count).append(count == 1 ? " argument" : " arguments")
                    .toString());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    run(c, id, export, fitting, frame, ranges);
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new MeshportException(ErrorCode.OVERLOADED, pool.isShutdown() ? "the listener is stopping"
                    : "the host is running " + pool.getMaximumPoolSize() + " calls, its limit; try again shortly");
        }
        return done;
    }

    private static String signature(Method m) {
        Parameter[] ps = m.getParameters();
        if (ps.length == 0) {
            return "no arguments";
        }
        StringBuilder s = new StringBuilder().append(ps.length).append(ps.length == 1 ? " argument (" : " arguments (");
        for (int i = 0; i < ps.length; i++) {
            s.append(i == 0 ? "" : ", ").append(ps[i].getName());
        }
        return s.append(')').toString();
    }

    /** @return start and end of each element of the args array */
    private static int[] argumentRanges(byte[] b, int start, int end) {
        if (start < 0) {
            return new int[0];
        }
        try {
            long n = Cbor.argument(b, start, end);
            int pos = start + Cbor.headerLength(b, start, end);
            List<Integer> r = new ArrayList<>();
            for (long i = 0; n == Cbor.INDEFINITE ? (b[pos] & 0xff) != 0xff : i < n; i++) {
                if (r.size() >= 2 * 256) {
                    throw new MeshportException(ErrorCode.BAD_ARGS, "a call takes at most 256 arguments");
                }
                int next = Cbor.skip(b, pos, end);
                r.add(pos);
                r.add(next);
                pos = next;
            }
            return r.stream().mapToInt(Integer::intValue).toArray();
        } catch (CborFormatException e) {
            throw new MeshportException(ErrorCode.BAD_FRAME, "malformed args: " + e.getMessage()); // parse() checked it
        }
    }

    private void run(Connection c, Long id, ExportRegistry.Export export, List<Method> fitting, byte[] frame, int[] ranges) {
        String what = export.name + "." + fitting.get(0).getName();
        try {
            Method method = null;
            Object[] args = null;
            MeshportException firstProblem = null;
            for (Method m : fitting) {
                try {
                    args = arguments(what, m, frame, ranges);
                    method = m;
                    break;
                } catch (MeshportException e) {
                    firstProblem = firstProblem == null ? e : firstProblem;
                }
            }
            if (method == null) {
                throw firstProblem;
            }
            Object result;
            try {
                result = method.invoke(export.service, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof MeshportException) {
                    throw (MeshportException) cause;
                }
                if (cause instanceof OutOfMemoryError) {
                    throw (OutOfMemoryError) cause;
                }
                server.log.warn(what + " failed for " + c.describe(), cause);
                throw new MeshportException(ErrorCode.CALL_FAILED, what + " failed: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + Quoted.bound(cause.getMessage(), 4 * Quoted.MAX)));
            } catch (IllegalAccessException e) {
                throw new MeshportException(ErrorCode.INTERNAL, what + " cannot be called: " + e.getMessage());
            }
            if (id == null) {
                return;
            }
            CallValues.Out out = new CallValues.Out();
            try {
                CallValues.write(out, result, meshes);
            } catch (CallValues.MappingException e) {
                server.log.warn("the result of " + what + " cannot be sent: " + e.getMessage(), null);
                throw new MeshportException(ErrorCode.INTERNAL, "the result of " + what + " cannot be sent: " + e.getMessage());
            }
            c.send(Replies.okWithResult(id, out.parts()));
        } catch (MeshportException e) {
            server.handler.fail(c, id, "call " + what, e);
        } catch (OutOfMemoryError e) {
            server.handler.fail(c, id, "call " + what, new MeshportException(ErrorCode.OVERLOADED,
                    "the host has not enough memory for " + what + " now; try again later"));
        } catch (RuntimeException e) {
            server.log.error("internal error in call " + what + " from " + c.describe(), e);
            server.handler.fail(c, id, "call " + what, new MeshportException(ErrorCode.INTERNAL, "internal error ("
                    + e.getClass().getSimpleName() + "); the host's log has the details"));
        }
    }

    private Object[] arguments(String what, Method m, byte[] frame, int[] ranges) {
        Parameter[] ps = m.getParameters();
        Object[] args = new Object[ps.length];
        for (int i = 0; i < ps.length; i++) {
            String which = what + " argument " + (i + 1) + " (" + ps[i].getName() + ")";
            try {
                args[i] = CallValues.read(frame, ranges[2 * i], ranges[2 * i + 1], ps[i].getParameterizedType(), meshes);
            } catch (CallValues.MappingException e) {
                throw new MeshportException(ErrorCode.BAD_ARGS, which + ": " + e.getMessage());
            } catch (InvalidMeshException e) {
                throw new MeshportException(ErrorCode.BAD_ARGS, which + ": " + e.getMessage());
            } catch (MeshportException e) {
                throw new MeshportException(e.code() == ErrorCode.NO_CODEC ? ErrorCode.NO_CODEC : ErrorCode.BAD_ARGS,
                        which + ": " + e.getMessage());
            } catch (CborFormatException e) {
                throw new MeshportException(ErrorCode.BAD_ARGS, which + ": " + e.getMessage());
            }
        }
        return args;
    }

    /** Stops taking calls and interrupts the running ones after a grace period. */
    void stop(long graceMs) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(graceMs, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
