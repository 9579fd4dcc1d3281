package io.meshport.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The page's settings: defaults, the command line over the configuration, bad values, and where it may listen. */
class WebSettingsTest {
    private final List<String> problems = new ArrayList<>();

    private WebSettings read(Map<String, ?> config, Map<String, String> framework) {
        return WebSettings.from(config, framework::get, problems);
    }

    @Test
    void thePublishedMetatypeHasTheDefaultsUsed() throws Exception {
        WebSettings s = read(Map.of(), Map.of());
        Map<String, Object> used = Map.of("enabled", s.enabled, "bindAddress", s.bindText, "port", s.port,
                "allowInsecureBind", s.allowInsecureBind, "maxStreams", s.maxStreams);
        assertEquals(used.size(), WebMetatype.class.getDeclaredMethods().length);
        for (java.lang.reflect.Method m : WebMetatype.class.getDeclaredMethods()) {
            assertEquals(used.get(m.getName()), m.getDefaultValue(), m.getName());
        }
    }

    @Test
    void defaultsAreLoopbackOnItsOwnPort() {
        WebSettings s = read(Map.of(), Map.of());
        assertTrue(s.enabled);
        assertEquals("127.0.0.1", s.bindAddress.getHostAddress());
        assertEquals(18880, s.port);
        assertEquals(WebSettings.DEFAULT_MAX_STREAMS, s.maxStreams);
        assertEquals(List.of(), problems);
    }

    @Test
    void theCommandLineWinsOverTheConfigurationAndOffTurnsThePageOff() {
        Map<String, Object> config = new HashMap<>(Map.of("port", 19000, "maxStreams", "4"));
        assertEquals(19000, read(config, Map.of()).port);
        assertEquals(4, read(config, Map.of()).maxStreams);
        assertEquals(0, read(config, Map.of("meshport.web.port", "0")).port);
        assertFalse(read(config, Map.of("meshport.web.port", "off")).enabled);
        assertFalse(read(Map.of("enabled", "false"), Map.of()).enabled);
        assertFalse(read(Map.of(), Map.of("meshport.web.enabled", "false")).enabled);
    }

    @Test
    void aBadNumberIsNamedAndReplacedByItsDefault() {
        WebSettings s = read(Map.of("port", "eighty", "maxStreams", 0), Map.of());
        assertEquals(18880, s.port);
        assertEquals(WebSettings.DEFAULT_MAX_STREAMS, s.maxStreams);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("port = 'eighty' is not a number"), problems.get(0));
        assertTrue(problems.get(1).contains("maxStreams = 0 is outside 1..1000"), problems.get(1));
        read(Map.of("port", 70000), Map.of());
        assertTrue(problems.get(2).contains("port = 70000 is outside 0..65535"), problems.get(2));
    }

    @Test
    void anAddressThatIsNotOneStopsThePage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("bindAddress", "no-such-host.invalid"), Map.of()));
        assertTrue(e.getMessage().contains("bindAddress 'no-such-host.invalid'"), e.getMessage());
    }

    @Test
    void beyondLoopbackThePageNeedsATokenOrAnAcceptedRisk() {
        WebSettings wide = read(Map.of("bindAddress", "0.0.0.0"), Map.of());
        String refusal = wide.unsafeBind(false);
        assertTrue(refusal != null && refusal.contains("refusing to serve the page on 0.0.0.0 without a token"), refusal);
        assertNull(wide.unsafeBind(true), "with the host's token it may");
        assertNull(read(Map.of("bindAddress", "0.0.0.0", "allowInsecureBind", "true"), Map.of()).unsafeBind(false));
        assertNull(read(Map.of(), Map.of()).unsafeBind(false), "loopback needs no token");
    }
}
