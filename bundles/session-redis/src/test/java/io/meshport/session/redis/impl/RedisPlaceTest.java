package io.meshport.session.redis.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;

class RedisPlaceTest {
    @Test
    void readsHostPortNameAndCredentials() {
        RedisPlace p = RedisPlace.of(URI.create("redis://farm:s%40cret@10.0.0.5:7000/lookdev"));
        assertEquals("10.0.0.5", p.host());
        assertEquals(7000, p.port());
        assertEquals("farm", p.user());
        assertEquals("s@cret", p.password());
        assertEquals("lookdev", p.name());
        assertEquals("redis://farm@10.0.0.5:7000/lookdev", p.display(), "the log never shows the password");
        RedisPlace d = RedisPlace.of(URI.create("redis://:pw@localhost"));
        assertEquals(6379, d.port());
        assertEquals("default", d.name());
        assertNull(d.user());
        assertEquals("pw", d.password());
    }

    @Test
    void refusesWhatIsNotASessionPlace() {
        for (String bad : new String[] {"rediss://h:1/x", "redis://h:1/a/b", "redis://h:1/" + "n".repeat(65), "redis://h:1/x?db=2",
                "redis:///x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisPlace.of(URI.create(bad)), bad);
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
    }
}
