package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * The service a fuzzed host exports as {@code fz}, with the types its calls carry. An interface that
 * only holds these types: {@link FrameFuzzTest} implements it, so that the names other tests use for
 * them ({@code FrameFuzzTest.FuzzService}, {@code FrameFuzzTest.FuzzServiceImpl}) still resolve.
 */
interface FuzzExport {

    /** A point, to see records travel as maps. */
    record Point(double x, double y, String label) {
    }

    /** An enum, to see enums travel by name. */
    enum Shade {
        LIGHT, DARK
    }

    /** The interface exported as {@code fz}: calls reach its methods with fuzzed arguments. */
    interface FuzzService {
        long add(long a, long b);

        int half(int value);

        String echo(String text);

        List<Double> scale(List<Double> values, double factor);

        Point mid(Point a, Point b);

        Shade flip(Shade shade);

        Optional<String> maybe(boolean present);

        int points(Mesh mesh);

        Object any(Object value);

        void missing(String what);

        float[] floats(float[] values);

        Map<String, Object> keys(Map<String, Object> map);

        int count();
    }

    /**
     * Well-behaved: every failure it reports is a MeshportException with a short message (a null where
     * it needs a value too), so that whatever else comes back is the host's own doing.
     */
    final class FuzzServiceImpl implements FuzzService {
        private static <T> T given(T v, String name) {
            if (v == null) {
                throw new MeshportException(ErrorCode.BAD_ARGS, name + " is null");
            }
            return v;
        }

        @Override
        public long add(long a, long b) {
            return a + b;
        }

        @Override
        public int half(int value) {
            return value / 2;
        }

        @Override
        public String echo(String text) {
            return text;
        }

        @Override
        public List<Double> scale(List<Double> values, double factor) {
            List<Double> out = new ArrayList<>();
            for (Double v : given(values, "values")) {
                out.add(v == null ? null : v * factor);
            }
            return out;
        }

        @Override
        public Point mid(Point a, Point b) {
            given(a, "a");
            given(b, "b");
            return new Point((a.x() + b.x()) / 2, (a.y() + b.y()) / 2, String.valueOf(a.label()).length() + "|" + String.valueOf(b.label()).length());
        }

        @Override
        public Shade flip(Shade shade) {
            return shade == Shade.LIGHT ? Shade.DARK : Shade.LIGHT;
        }

        @Override
        public Optional<String> maybe(boolean present) {
            return present ? Optional.of("here") : Optional.empty();
        }

        @Override
        public int points(Mesh mesh) {
            return given(mesh, "mesh").pointCount();
        }

        @Override
        public Object any(Object value) {
            return value;
        }

        @Override
        public void missing(String what) {
            given(what, "what");
            throw new MeshportException(ErrorCode.NOT_FOUND, "no thing '" + (what.length() > 40 ? what.substring(0, 40) + "..." : what) + "'");
        }

        @Override
        public float[] floats(float[] values) {
            return values;
        }

        @Override
        public Map<String, Object> keys(Map<String, Object> map) {
            return map;
        }

        @Override
        public int count() {
            return 42;
        }
    }
}
