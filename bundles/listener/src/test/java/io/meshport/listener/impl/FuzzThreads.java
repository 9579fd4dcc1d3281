package io.meshport.listener.impl;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** The listener's threads ({@code meshport-...}) as text for a report: the deadlocked ones, or all of them. */
final class FuzzThreads {
    private FuzzThreads() {
    }

    /** @return the stacks of the listener's deadlocked threads (and what they hold), or null when none is */
    static String deadlocked() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.findDeadlockedThreads();
        if (ids == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (ThreadInfo t : mx.getThreadInfo(ids, true, true)) {
            if (t != null && t.getThreadName().startsWith("meshport-")) {
                b.append(stack(t));
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** @return the stacks of the listener's threads */
    static String all() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StringBuilder b = new StringBuilder();
        for (ThreadInfo t : mx.dumpAllThreads(true, true)) {
            if (t.getThreadName().startsWith("meshport-")) {
                b.append(stack(t));
            }
        }
        return b.toString();
    }

    private static String stack(ThreadInfo t) {
        StringBuilder b = new StringBuilder("      \"").append(t.getThreadName()).append("\" ").append(t.getThreadState());
        if (t.getLockName() != null) {
            b.append(" waiting for ").append(t.getLockName());
            if (t.getLockOwnerName() != null) {
                b.append(" held by \"").append(t.getLockOwnerName()).append('"');
            }
        }
        b.append('\n');
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(st.length, 14); i++) {
            b.append("        at ").append(st[i]).append('\n');
            for (MonitorInfo m : t.getLockedMonitors()) {
                if (m.getLockedStackDepth() == i) {
                    b.append("        - locked ").append(m).append('\n');
                }
            }
        }
        for (LockInfo l : t.getLockedSynchronizers()) {
            b.append("        - holds ").append(l).append('\n');
        }
        return b.toString();
    }
}
