package io.meshport.it;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/** What the host tests do with the framework: find services and bundles, wait for conditions. */
final class Osgi {
    private Osgi() {
    }

    /**
     * @return the service now (a new object after the bundle providing it was updated), waiting up to
     *         10 s for one
     */
    static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> t = new ServiceTracker<>(context, type, null);
        t.open();
        try {
            T s = t.waitForService(10_000);
            assertNotNull("a " + type.getSimpleName() + " within 10 s", s);
            return s;
        } finally {
            t.close();
        }
    }

    /** @return the bundle with this symbolic name */
    static Bundle bundle(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** Waits for a condition, polling, at most 20 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after 20 s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
