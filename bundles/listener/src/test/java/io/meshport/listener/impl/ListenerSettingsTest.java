package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.listener.ListenerConfiguration;

/** The settings read from a configuration: the published metatype's defaults are the ones used. */
class ListenerSettingsTest {

    @Test
    void everyDefaultOfTheConfigurationTypeIsTheDefaultUsed() throws Exception {
        List<String> problems = new ArrayList<>();
        ListenerSettings none = ListenerSettings.from(Map.of(), n -> null, problems, null);
        assertTrue(problems.isEmpty(), problems.toString());
        Map<String, Object> used = new HashMap<>();
        used.put("bindAddress", none.bindAddress.getHostAddress());
        used.put("port", none.port);
        used.put("maxFrameBytes", none.maxFrameBytes);
        used.put("token", "");
        used.put("tokenFile", "");
        used.put("allowInsecureBind", none.allowInsecureBind);
        used.put("maxConnections", none.maxConnections);
        used.put("maxConnectionsPerAddress", none.maxConnectionsPerAddress);
        used.put("idleTimeoutSeconds", (int) (none.idleTimeoutMs / 1000));
        used.put("frameTimeoutSeconds", (int) (none.frameTimeoutMs / 1000));
        used.put("authTimeoutSeconds", (int) (none.authTimeoutMs / 1000));
        used.put("maxFrameBytesBeforeHello", none.maxFrameBytesBeforeHello);
        used.put("writeTimeoutSeconds", (int) (none.writeTimeoutMs / 1000));
        used.put("maxPendingRequests", none.maxPendingRequests);
        used.put("maxQueuedEvents", none.maxQueuedEvents);
        used.put("maxInFlightBytes", none.maxInFlightBytes);
        used.put("roomWaitSeconds", (int) (none.roomWaitMs / 1000));
        used.put("maxUploadBytes", none.maxUploadBytes);
        used.put("maxOpenUploads", none.maxOpenUploads);
        used.put("uploadIdleSeconds", (int) (none.uploadIdleMs / 1000));
        used.put("workerThreads", none.workerThreads);
        used.put("maxConcurrentCalls", none.maxConcurrentCalls);
        used.put("requiredCodecs", none.requiredCodecs);
        used.put("requiredServices", none.requiredServices);
        used.put("requiredTimeoutSeconds", (int) (none.requiredTimeoutMs / 1000));
        for (String tls : new String[] {"tlsKeyStore", "tlsKeyStorePassword", "tlsCertificate", "tlsPrivateKey"}) {
            used.put(tls, "");
        }
        for (Method m : ListenerConfiguration.class.getDeclaredMethods()) {
            assertTrue(used.containsKey(m.getName()), m.getName() + " is in the configuration type but not checked here");
            Object dflt = m.getDefaultValue();
            Object expected = dflt instanceof String[] ? Arrays.asList((String[]) dflt) : dflt;
            assertEquals(expected, used.get(m.getName()), m.getName());
        }
        assertEquals(ListenerConfiguration.class.getDeclaredMethods().length, used.size(), "every setting is in the configuration type");
    }

    @Test
    void thePublishedMetatypeHasTheConfigurationTypesPropertiesAndDefaults() throws Exception {
        Method[] api = ListenerConfiguration.class.getDeclaredMethods();
        assertEquals(api.length, ListenerMetatype.class.getDeclaredMethods().length);
        for (Method m : api) {
            Object a = m.getDefaultValue();
            Object b = ListenerMetatype.class.getDeclaredMethod(m.getName()).getDefaultValue();
            assertEquals(a instanceof String[] ? Arrays.asList((String[]) a) : a, b instanceof String[] ? Arrays.asList((String[]) b) : b, m.getName());
        }
    }
}
