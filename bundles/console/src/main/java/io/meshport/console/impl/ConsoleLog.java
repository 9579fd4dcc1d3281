package io.meshport.console.impl;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Prints log entries to standard output as they are logged: INFO and above from Meshport bundles
 * (this is how {@code print} text and {@code listening on ...} reach the host's console), WARN and
 * above from every bundle. Lines look like {@code 12:00:01.250 INFO  [listener] listening on ...}.
 */
@Component(immediate = true)
public final class ConsoleLog implements LogListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final String PREFIX = "io.meshport.";

    private final LogReaderService reader;
    private final PrintStream out = System.out;

    /** @param reader the log to follow */
    @Activate
    public ConsoleLog(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Bundle b = entry.getBundle();
        String bsn = b == null || b.getSymbolicName() == null ? "?" : b.getSymbolicName();
        boolean ours = bsn.startsWith(PREFIX);
        LogLevel level = entry.getLogLevel();
        // X.implies(Y): Y is as severe as X or more.
        if (!(ours ? LogLevel.INFO : LogLevel.WARN).implies(level)) {
            return;
        }
        String logger = entry.getLoggerName();
        if (logger != null && logger.startsWith("Events.")) {
            return; // bundle and service events, which the log service records too
        }
        String source = ours ? bsn.substring(PREFIX.length()) : bsn;
        StringBuilder line = new StringBuilder(96);
        line.append(TIME.format(Instant.ofEpochMilli(entry.getTime()))).append(' ')
                .append(String.format("%-5s", level.name())).append(" [").append(source).append("] ")
                .append(entry.getMessage());
        Throwable t = entry.getException();
        if (t != null) {
            line.append(" (").append(t).append(')');
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
