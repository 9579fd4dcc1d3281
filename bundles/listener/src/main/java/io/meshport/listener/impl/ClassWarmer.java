package io.meshport.listener.impl;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Loads the classes a starting listener needs first, on a thread of its own, as soon as the bundle
 * starts. After an update, every class of the new revision is new to the JVM: read from the jar, parsed
 * and verified on first use, and the first uses come while SCR activates the listener and while the
 * clients, disconnected by the update, wait for their first replies (issue 5's measure). The bundle
 * starts before SCR reads its components, so this thread loads them on the second core while the first
 * one runs SCR. It only loads classes (and runs their static initializers, which touch nothing outside
 * their own class); the listener works the same without it, a little later.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class ClassWarmer implements BundleActivator, Runnable {
    /**
     * What activation, accepting a client and answering its hello and first put use, in about that order
     * (from {@code -Xlog:class+load} over a listener update). A unit test keeps this list true to the code.
     */
    static final String[] FIRST_NEEDED = {
        "io.meshport.listener.impl.ListenerComponent",
        "io.meshport.support.Log",
        "io.meshport.listener.impl.CodecRegistry",
        "io.meshport.listener.impl.Whiteboard",
        "io.meshport.listener.impl.ExportRegistry",
        "io.meshport.listener.impl.SocketServer",
        "io.meshport.support.RankedServices",
        "io.meshport.support.RankedServices$Entry",
        "io.meshport.listener.impl.ListenerSettings",
        "io.meshport.listener.impl.ListenerSettings$Source",
        "io.meshport.listener.impl.ListenerSettings$Builder",
        "io.meshport.support.SettingValues",
        "io.meshport.listener.impl.ExportRegistry$Export",
        "io.meshport.listener.impl.AcceptGate",
        "io.meshport.listener.impl.Transport",
        "io.meshport.listener.impl.FramePool",
        "io.meshport.listener.impl.PreDecoder",
        "io.meshport.listener.impl.DaemonThreads",
        "io.meshport.listener.impl.CallDispatcher",
        "io.meshport.listener.impl.InFlightBudget",
        "io.meshport.listener.impl.FrameRoom",
        "io.meshport.listener.impl.Acceptor",
        "io.meshport.listener.impl.AddressCounts",
        "io.meshport.listener.impl.Refusals",
        "io.meshport.listener.impl.LogLimiter",
        "io.meshport.listener.impl.RequestHandler",
        "io.meshport.listener.impl.Connection",
        "io.meshport.listener.impl.Connection$State",
        "io.meshport.listener.impl.Connection$CheckFinished",
        "io.meshport.listener.impl.Connection$AfterQueued",
        "io.meshport.listener.impl.Connection$ResumePending",
        "io.meshport.listener.impl.Connection$Linger",
        "io.meshport.listener.impl.Inbox",
        "io.meshport.listener.impl.Inbox$Drain",
        "io.meshport.listener.impl.Outbound",
        "io.meshport.listener.impl.Outbound$Then",
        "io.meshport.listener.impl.ConnectionWatches",
        "io.meshport.listener.impl.ConnectionReader",
        "io.meshport.listener.impl.FrameDecoder",
        "io.meshport.listener.impl.FrameDecoder$State",
        "io.meshport.listener.impl.FrameDecoder$Event",
        "io.meshport.listener.impl.FrameRoom$Held",
        "io.meshport.listener.impl.ArrivingFrame",
        "io.meshport.wire.CborMessage",
        "io.meshport.wire.Cbor",
        "io.meshport.listener.impl.RequestHandler$Request",
        "io.meshport.listener.impl.PutContext",
        "io.meshport.listener.impl.Replies",
        "io.meshport.wire.CborWriter",
        "io.meshport.wire.Frames",
        "io.meshport.listener.impl.Outbound$OutFrame",
    };

    private Thread thread;
    private volatile boolean stopped;

    @Override
    public void start(BundleContext context) {
        thread = new Thread(this, "meshport-listener-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        ClassLoader loader = ClassWarmer.class.getClassLoader();
        for (String name : FIRST_NEEDED) {
            if (stopped) {
                return;
            }
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // the listener's own use of it reports whatever is wrong
            }
        }
    }

    @Override
    public void stop(BundleContext context) throws InterruptedException {
        stopped = true;
        thread.join(1_000); // a few milliseconds of loading at most; none of this bundle's threads outlive it
    }
}
