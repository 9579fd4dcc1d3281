package io.meshport.session.redis.impl;

import java.net.URI;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

import io.meshport.session.backend.SessionBackend;
import io.meshport.session.backend.SharedSession;

/** Keeps sessions in Redis: {@code session=redis://HOST:PORT/NAME}. */
@Component(service = SessionBackend.class, property = SessionBackend.SCHEME + "=redis", configurationPid = RedisBackend.PID)
@Designate(ocd = RedisConfig.class)
public final class RedisBackend implements SessionBackend {
    /** Configuration PID of the Redis backend. */
    public static final String PID = "io.meshport.session.redis";

    private final RedisConfig config;

    /** @param config the configuration */
    @Activate
    public RedisBackend(RedisConfig config) {
        if (config.timeoutMillis() < 10 || config.chunkBytes() < 1024 || config.chunkBytes() > (512 << 20)
                || config.maxConnections() < 2 || config.keepChanges() < 1 || config.tokenSeconds() < 1 || config.replacedSeconds() < 1) {
            throw new IllegalArgumentException("the Redis session backend's configuration is out of range: timeoutMillis >= 10,"
                    + " chunkBytes 1024 to 512 MiB, maxConnections >= 2, keepChanges, tokenSeconds, replacedSeconds >= 1");
        }
        this.config = config;
    }

    @Override
    public SharedSession open(URI where) {
        return new RedisSession(RedisPlace.of(where), config);
    }
}
