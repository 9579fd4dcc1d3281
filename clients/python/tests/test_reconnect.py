"""The reconnect machine against a scripted fake host: after a bye or a broken connection the client
says hello again, sends every unanswered request again (the first 64 KiB right behind the hello, with
their ids and request tokens), renews its watches and catches them up."""
import time
import unittest

import support
from support import HELLO, FakeHost, connect

import cbor2

import meshport

SECOND_HELLO = dict(HELLO, session="s2")


class ResendTest(unittest.TestCase):

    def test_a_waiting_put_goes_again_right_behind_the_hello_byte_for_byte(self):
        seen = {}

        def first(peer):
            peer.hello()
            seen["put"] = peer.read_frame()
            peer.bye()
            peer.drain()

        def second(peer):
            hello = peer.expect("hello")
            # Nothing is answered until the put sent again has arrived: a client waiting for the
            # hello's reply before sending it would time out here.
            seen["again"] = peer.read_frame(timeout=3)
            peer.reply(hello, SECOND_HELLO)
            put = cbor2.loads(seen["again"])
            peer.reply(put, {"key": put["key"], "version": 7, "kind": "cbor", "summary": {}})
            peer.drain()

        with FakeHost(first, second) as host, connect(host) as c:
            r = c.put("early/k", 1)
            self.assertEqual(7, r["version"])
            self.assertEqual(1, c.reconnects)
            self.assertEqual("s2", c.info["session"])
        self.assertEqual(seen["put"], seen["again"], "the same id and request token")
        self.assertIn("requestToken", cbor2.loads(seen["put"]))

    def test_only_the_first_64_KiB_go_behind_the_hello_the_rest_after_its_reply(self):
        body = b"x" * 30000  # two such frames fit in 64 KiB, three do not
        first_ids, early, late = [], [], []

        def first(peer):
            peer.hello()
            for _ in range(4):
                first_ids.append(peer.expect("put")["id"])
            peer.bye()
            peer.drain()

        def second(peer):
            hello = peer.expect("hello")
            while not peer.nothing_within(0.5):
                early.append(peer.expect("put"))
            peer.reply(hello, HELLO)
            for _ in range(4 - len(early)):
                late.append(peer.expect("put"))
            for m in sorted(early + late, key=lambda m: m["id"]):
                peer.reply(m, {"key": m["key"], "version": 100 + m["id"], "kind": "bytes", "summary": {}})
            peer.drain()

        with FakeHost(first, second) as host, connect(host) as c:
            puts = [support.Thread(lambda i=i: c.put("big/%d" % i, body, codec="bytes")) for i in range(4)]
            results = [p.result() for p in puts]
        ids = sorted(first_ids)
        self.assertEqual(ids[:2], [m["id"] for m in early], "the first two, in the order first sent")
        self.assertEqual(ids[2:], [m["id"] for m in late])
        self.assertEqual(sorted(100 + i for i in ids), sorted(r["version"] for r in results))
        self.assertEqual(meshport.PIPELINED_RESEND_BYTES, 1 << 16)

    def test_a_broken_connection_is_made_again_and_a_delete_sent_again_with_its_token(self):
        seen = []

        def first(peer):
            peer.hello()
            seen.append(peer.expect("delete"))
            # no bye: the connection just breaks

        def second(peer):
            peer.hello()
            m = peer.expect("delete")
            seen.append(m)
            peer.reply(m, {"key": m["key"], "version": 12})
            peer.drain()

        with FakeHost(first, second) as host, connect(host) as c:
            self.assertEqual(12, c.delete("gone/k", if_version=3))
            self.assertEqual(1, c.reconnects)
        self.assertEqual(seen[0], seen[1])

    def test_a_bye_instead_of_the_hello_reply_tries_again(self):
        def first(peer):
            peer.hello()
            peer.expect("ping")
            peer.bye()
            peer.drain()

        def second(peer):
            peer.expect("hello")
            peer.bye("still restarting")
            peer.drain()

        def third(peer):
            peer.hello(SECOND_HELLO)
            peer.reply(peer.expect("ping"), {"time": 3})
            peer.drain()

        with FakeHost(first, second, third) as host, connect(host) as c:
            self.assertEqual(3, c.ping())
            self.assertEqual(1, c.reconnects)
            self.assertEqual("s2", c.info["session"])

    def test_reconnecting_gives_up_after_its_time(self):
        def first(peer):
            peer.hello()
            peer.expect("ping")
            host.stop_listening()
            peer.bye()
            peer.drain()

        with FakeHost(first) as host, connect(host, reconnect=0.5) as c:
            t = time.monotonic()
            with self.assertRaisesRegex(meshport.ConnectionClosed, r"no new one could be made within 0.5 s"):
                c.ping()
            self.assertLess(time.monotonic() - t, 4)
            with self.assertRaises(meshport.ConnectionClosed):
                c.ping()

    def test_a_refused_hello_ends_the_reconnecting(self):
        def first(peer):
            peer.hello()
            peer.expect("ping")
            peer.bye()
            peer.drain()

        def second(peer):
            m = peer.expect("hello")
            peer.fail(m, "UNAUTHORIZED", "the token changed")
            peer.drain()

        with FakeHost(first, second) as host, connect(host, token="t") as c:
            with self.assertRaisesRegex(meshport.ConnectionClosed, "the host refused the hello: UNAUTHORIZED: the token changed"):
                c.ping()


def event(watch, key, version, change="put"):
    return {"op": "event", "watch": watch, "key": key, "version": version, "change": change}


class WatchRenewalTest(unittest.TestCase):

    def test_a_watch_is_renewed_and_catches_up_on_what_changed_meanwhile(self):
        said = {}

        def first(peer):
            peer.hello()
            peer.reply(peer.expect("watch"), {"watch": 1})
            peer.reply(peer.expect("list"), [{"key": "w/kept", "version": 1}, {"key": "w/changed", "version": 2},
                                             {"key": "w/gone", "version": 3}])
            peer.send(event(1, "w/seen", 4))
            peer.bye()
            peer.drain()

        def second(peer):
            peer.hello()
            m = peer.expect("watch")
            said["renewal"] = m
            peer.reply(m, {"watch": 9})
            peer.send(event(9, "w/told", 9))  # held until the catch-up, and not told twice
            peer.send(event(1, "w/old-id", 10))  # the old id: not this watch's any more
            m = peer.expect("list")
            said["list"] = m
            peer.reply(m, [{"key": "w/changed", "version": 6}, {"key": "w/kept", "version": 1}, {"key": "w/new", "version": 7},
                           {"key": "w/seen", "version": 4}, {"key": "w/told", "version": 9}])
            peer.send(event(9, "w/after", 11))
            m = peer.expect("unwatch")
            said["unwatch"] = m
            peer.reply(m, None)
            peer.drain()

        with FakeHost(first, second) as host, connect(host) as c:
            w = c.watch("w/")
            self.assertEqual({"key": "w/seen", "version": 4, "change": "put"}, w.next_event(timeout=support.WAIT))
            got = [w.next_event(timeout=support.WAIT) for _ in range(5)]
            self.assertEqual([{"key": "w/gone", "version": 0, "change": "delete"},
                              {"key": "w/changed", "version": 6, "change": "put"},
                              {"key": "w/new", "version": 7, "change": "put"},
                              {"key": "w/told", "version": 9, "change": "put"},
                              {"key": "w/after", "version": 11, "change": "put"}], got)
            self.assertIsNone(w.next_event(timeout=0.3), "nothing twice")
            self.assertEqual(9, w.id)
            w.close()
        self.assertEqual("w/", said["renewal"]["prefix"])
        self.assertEqual("w/", said["list"]["prefix"])
        self.assertEqual(9, said["unwatch"]["watch"])

    def test_when_the_catch_up_listing_fails_the_held_events_still_come(self):
        def first(peer):
            peer.hello()
            peer.reply(peer.expect("watch"), {"watch": 1})
            peer.reply(peer.expect("list"), [])
            peer.bye()
            peer.drain()

        def second(peer):
            peer.hello()
            peer.reply(peer.expect("watch"), {"watch": 2})
            peer.send(event(2, "w/a", 5))
            peer.fail(peer.expect("list"), "OVERLOADED", "busy")
            peer.send(event(2, "w/b", 6))
            peer.drain()

        with FakeHost(first, second) as host, connect(host) as c:
            w = c.watch("w/")
            got = [w.next_event(timeout=support.WAIT) for _ in range(2)]
            self.assertEqual(["w/a", "w/b"], [e["key"] for e in got])
            self.assertEqual(1, c.reconnects)


if __name__ == "__main__":
    unittest.main()
