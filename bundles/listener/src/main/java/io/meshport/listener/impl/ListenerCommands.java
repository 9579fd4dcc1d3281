package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ExportedService;

/**
 * Shell commands about what clients can use, scope {@code meshport}: {@code meshport:codecs} lists the
 * codec services with the bundle and version providing each, and which one serves an id claimed
 * twice; {@code meshport:services} lists the exported services likewise.
 */
@Component(service = ListenerCommands.class, property = {"osgi.command.scope=meshport", "osgi.command.function=codecs",
    "osgi.command.function=services"})
public final class ListenerCommands {
    private final BundleContext context;

    /** @param context this bundle's context, to look the services up when asked */
    @Activate
    public ListenerCommands(BundleContext context) {
        this.context = context;
    }

    /** @return one line per codec service: id, serving or shadowed, bundle, version, ranking */
    public String codecs() {
        return table(find("(" + PayloadCodec.ID + "=*)"), PayloadCodec.ID, "codec");
    }

    /** @return one line per exported service: name, serving or shadowed, bundle, version, ranking */
    public String services() {
        return table(find("(" + ExportedService.PROPERTY + "=*)"), ExportedService.PROPERTY, "exported");
    }

    private List<ServiceReference<?>> find(String filter) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, filter);
            return refs == null ? new ArrayList<>() : new ArrayList<>(List.of(refs));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String table(List<ServiceReference<?>> refs, String property, String what) {
        // Highest ranking first, then the oldest: the order in which OSGi picks, and so do we.
        refs.sort((a, b) -> b.compareTo(a));
        StringBuilder s = new StringBuilder();
        List<Object> served = new ArrayList<>();
        for (ServiceReference<?> r : refs) {
            Object name = r.getProperty(property);
            boolean serving = name != null && !served.contains(name);
            if (serving) {
                served.add(name);
            }
            Bundle b = r.getBundle();
            Object ranking = r.getProperty(Constants.SERVICE_RANKING);
            s.append(String.format(Locale.ROOT, "%-12s %-9s %-30s %-10s ranking %s%n", name, serving ? "serves" : "shadowed",
                    b == null ? "?" : b.getSymbolicName(), b == null ? "" : b.getVersion(), ranking == null ? 0 : ranking));
        }
        return s.length() == 0 ? "(no " + what + " services)" : s.toString();
    }
}
