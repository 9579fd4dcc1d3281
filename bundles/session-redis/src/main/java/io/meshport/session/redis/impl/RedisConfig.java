package io.meshport.session.redis.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Redis session backend. */
@ObjectClassDefinition(name = "Meshport session on Redis")
public @interface RedisConfig {
    /** @return how long one Redis call may take, connecting included */
    @AttributeDefinition(description = "Milliseconds one call to Redis may take to connect, and again to answer; a request"
            + " that needs Redis gets UNAVAILABLE once they run out")
    int timeoutMillis() default 2000;

    /** @return how many connections to Redis the host holds at most */
    @AttributeDefinition(description = "Connections to Redis the host holds at most; a request waits up to timeoutMillis for one")
    int maxConnections() default 32;

    /** @return the changes kept in the session's stream */
    @AttributeDefinition(description = "Changes kept in the session's stream (about): a host unreachable for longer than"
            + " these many writes misses some events, and says so in its log")
    long keepChanges() default 100_000;

    /** @return how long a request token is remembered */
    @AttributeDefinition(description = "Seconds a request token is remembered (a write resent within them is not applied"
            + " twice); each costs Redis about 0.6 KB of memory meanwhile")
    long tokenSeconds() default 600;

    /** @return the largest Redis string a value is cut into */
    @AttributeDefinition(description = "Bytes of each piece a value is stored in (Redis strings hold at most 512 MB)")
    int chunkBytes() default 64 << 20;

    /** @return the replicas a write must reach before it is acknowledged */
    @AttributeDefinition(description = "Replicas each write must reach (Redis WAIT) before it is acknowledged; 0 = the"
            + " primary's own acknowledgement. A write that reaches fewer within half of timeoutMillis gets UNAVAILABLE: it was applied"
            + " on the primary, and may be lost if the primary fails before its replicas have it")
    int replicas() default 0;

    /** @return how long a replaced value is still kept */
    @AttributeDefinition(description = "Seconds a replaced or deleted value is still kept, for the hosts reading it at that moment")
    int replacedSeconds() default 10;
}
