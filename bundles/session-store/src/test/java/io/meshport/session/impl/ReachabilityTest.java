package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** What the log says of a shared session's server as requests find it down and back. */
class ReachabilityTest {
    private final List<String> log = new ArrayList<>();
    private final Reachability reach = new Reachability("redis://127.0.0.1:1/test", new StoreLog(log::add));

    private static MeshportException unavailable(String why) {
        return new MeshportException(ErrorCode.UNAVAILABLE, why);
    }

    @Test
    void anOutageIsLoggedOnceAndItsEndOnce() {
        for (int i = 0; i < 3; i++) {
            reach.failed(unavailable("Redis does not answer"), reach.begin());
        }
        assertTrue(reach.isDown());
        reach.answered(reach.begin());
        reach.answered(reach.begin());
        assertFalse(reach.isDown());
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ERROR") && log.get(0).contains("cannot be reached: Redis does not answer"), log.get(0));
        assertTrue(log.get(1).startsWith("INFO") && log.get(1).contains("answers again") && log.get(1).contains("3 requests were refused"), log.get(1));
    }

    /** As when Redis, started again, refused one request while loading and answered a later one. */
    @Test
    void aRefusalThatArrivesAfterALaterRequestsAnswerDoesNotMarkItDownAgain() {
        reach.failed(unavailable("Redis does not answer"), reach.begin());
        long loading = reach.begin();
        long loaded = reach.begin();
        reach.answered(loaded);
        reach.failed(unavailable("LOADING Redis is loading the dataset in memory"), loading);
        assertFalse(reach.isDown());
        reach.answered(reach.begin());
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(1).contains("1 requests were refused"), log.get(1));

        // an answer to a request sent before the refusal that marked it down does not mark it back up
        long early = reach.begin();
        reach.failed(unavailable("Redis does not answer"), reach.begin());
        reach.answered(early);
        assertTrue(reach.isDown());
        reach.answered(reach.begin());
        assertFalse(reach.isDown());
        assertEquals(4, log.size(), log.toString());
        assertTrue(log.get(3).contains("1 requests were refused"), log.get(3) + ": the stale refusal counted towards no outage");
    }

    @Test
    void otherErrorsSayNothingOfReachability() {
        reach.failed(new MeshportException(ErrorCode.CONFLICT, "version 3 is not 2"), reach.begin());
        assertFalse(reach.isDown());
        assertEquals(List.of(), log);
    }
}
