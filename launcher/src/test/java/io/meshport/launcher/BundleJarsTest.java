package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the distribution's Meshport bundles are brought into deploy/: other versions and renamed parts go. */
class BundleJarsTest {

    private static List<String> names(Path dir) throws IOException {
        return BundleJars.in(dir).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void aRenamedPartsJarLeavesDeployWhenTheDistributionHasTheNewOne(@TempDir Path tmp) throws IOException {
        Path built = Files.createDirectories(tmp.resolve("meshport"));
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Files.writeString(built.resolve("meshport-mesh-reader-0.1.0.jar"), "new");
        Files.writeString(built.resolve("meshport-listener-0.1.0.jar"), "listener");
        Files.writeString(deploy.resolve("meshport-mesh-builder-0.1.0.jar"), "old");
        Files.writeString(deploy.resolve("meshport-listener-0.0.9.jar"), "older listener");
        Files.writeString(deploy.resolve("meshport-my-plugin-1.0.0.jar"), "an operator's own");
        Files.writeString(deploy.resolve("other-2.0.jar"), "not ours");

        BundleJars.syncDeploy(built, deploy);

        assertEquals(List.of("meshport-listener-0.1.0.jar", "meshport-mesh-reader-0.1.0.jar", "meshport-my-plugin-1.0.0.jar",
                "other-2.0.jar"), names(deploy));
    }

    @Test
    void aStaleJarOfTheOldNameInTheDistributionIsNotDeployed(@TempDir Path tmp) throws IOException {
        Path built = Files.createDirectories(tmp.resolve("meshport"));
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Files.writeString(built.resolve("meshport-mesh-builder-0.1.0.jar"), "left by an earlier build");
        Files.writeString(built.resolve("meshport-mesh-reader-0.1.0.jar"), "new");

        BundleJars.syncDeploy(built, deploy);

        assertEquals(List.of("meshport-mesh-reader-0.1.0.jar"), names(deploy));
    }

    @Test
    void theOldPartStaysWhenTheDistributionHasNoSuccessor(@TempDir Path tmp) throws IOException {
        Path built = Files.createDirectories(tmp.resolve("meshport"));
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Files.writeString(built.resolve("meshport-listener-0.1.0.jar"), "listener");
        Files.writeString(deploy.resolve("meshport-mesh-builder-0.1.0.jar"), "old");

        BundleJars.syncDeploy(built, deploy);

        assertEquals(List.of("meshport-listener-0.1.0.jar", "meshport-mesh-builder-0.1.0.jar"), names(deploy));
    }
}
