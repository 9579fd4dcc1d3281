package io.meshport.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The start-up benchmark's baselines, run as child processes with only this class and the Felix
 * framework on the class path: {@code --jvm-only} says "jvm started" and exits (a JVM's own start);
 * {@code STORAGE_DIR} starts an empty Felix framework with that cache folder (cleaned first, as the
 * host's is), says "felix started", stops it and says "felix stopped".
 */
public final class FelixBaseline {
    private FelixBaseline() {
    }

    /**
     * @param args {@code --jvm-only}, or the framework's storage folder
     * @throws Exception when the framework cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--jvm-only")) {
            System.out.println("jvm started");
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: FelixBaseline --jvm-only | STORAGE_DIR");
            System.exit(2);
        }
        Map<String, String> cfg = new HashMap<>();
        cfg.put(Constants.FRAMEWORK_STORAGE, args[0]);
        cfg.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(cfg);
        fw.start();
        System.out.println("felix started");
        System.out.flush();
        fw.stop();
        fw.waitForStop(30_000);
        System.out.println("felix stopped");
    }
}
