package io.meshport.swap.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Shell commands for operators, scope {@code meshport}: {@code meshport:bundles} lists the Meshport
 * bundles with their versions and states; {@code meshport:update PART FILE} updates one from a jar
 * file ({@code PART} is a symbolic name, its part after {@code io.meshport.}, or a bundle id). They
 * live in this bundle because it is never updated itself: a command must not replace its own code.
 */
@Component(service = UpdateCommands.class, property = {"osgi.command.scope=meshport", "osgi.command.function=bundles",
    "osgi.command.function=update"})
public final class UpdateCommands {
    private static final String PREFIX = "io.meshport.";
    private final BundleContext context;

    /** @param context this bundle's context */
    @Activate
    public UpdateCommands(BundleContext context) {
        this.context = context;
    }

    /** @return the Meshport bundles, one per line: id, symbolic name, version, state */
    public String bundles() {
        StringBuilder s = new StringBuilder();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && bsn.startsWith(PREFIX)) {
                s.append(String.format(Locale.ROOT, "%4d  %-28s %-12s %s%n", b.getBundleId(), bsn, b.getVersion(), state(b)));
            }
        }
        return s.toString();
    }

    /**
     * @param part the bundle: a symbolic name, its part after {@code io.meshport.}, or an id
     * @param file the jar to update it from
     * @return what was done, or why not
     */
    public String update(String part, String file) {
        Bundle b = find(part);
        if (b == null) {
            return "no Meshport bundle '" + part + "'; there are: " + names();
        }
        if (b.getBundleId() == context.getBundle().getBundleId()) {
            return "this bundle keeps sockets and state across updates and is not updated itself; restart the host for a new one";
        }
        Path jar = Paths.get(file);
        if (!Files.isRegularFile(jar)) {
            return "no file " + jar.toAbsolutePath();
        }
        String before = b.getVersion().toString();
        long t0 = System.nanoTime();
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        } catch (IOException | BundleException e) {
            return "could not update " + b.getSymbolicName() + " from " + jar + ": " + e.getMessage();
        }
        return String.format(Locale.ROOT, "updated %s %s -> %s from %s in %.0f ms; now %s", b.getSymbolicName(), before, b.getVersion(),
                jar.getFileName(), (System.nanoTime() - t0) / 1e6, state(b));
    }

    private Bundle find(String part) {
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && bsn.startsWith(PREFIX)
                    && (bsn.equals(part) || bsn.equals(PREFIX + part) || String.valueOf(b.getBundleId()).equals(part))) {
                return b;
            }
        }
        return null;
    }

    private List<String> names() {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith(PREFIX)) {
                out.add(b.getSymbolicName().substring(PREFIX.length()));
            }
        }
        return out;
    }

    private static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.ACTIVE:
                return "active";
            case Bundle.RESOLVED:
                return "resolved";
            case Bundle.INSTALLED:
                return "installed";
            case Bundle.STARTING:
                return "starting";
            case Bundle.STOPPING:
                return "stopping";
            default:
                return "uninstalled";
        }
    }
}
