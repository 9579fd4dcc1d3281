"""The client's ops against a scripted fake host: what goes on the wire, what comes back, the errors."""
import time
import unittest

import support
from support import HELLO, FakeHost, connect, serve

import cbor2

import meshport
from meshport import _typed


class OpsTest(unittest.TestCase):

    def test_hello_then_every_op_as_documented(self):
        seen = []

        def script(peer):
            serve(peer, log=seen)

        with FakeHost(script) as host:
            with connect(host, token="secret", client="tests") as c:
                self.assertEqual(HELLO, c.info)
                self.assertEqual(1234, c.ping())
                c.print("hi")
                r = c.put("a/b", {"x": [1, 2]})
                self.assertEqual("a/b", r["key"])
                self.assertEqual({"x": [1, 2]}, c.get("a/b")["body"])
                c.put_mesh("geo/tri", [0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2], face_counts=[3])
                self.assertEqual(["a/b", "geo/tri"], [e["key"] for e in c.list()])
                self.assertEqual(["geo/tri"], [e["key"] for e in c.list("geo/")])
                v = c.delete("a/b", if_version=r["version"])
                self.assertGreater(v, r["version"])
                self.assertEqual({"args": [1, "two", None]}, c.call("svc", "m", 1, "two", None))
                self.assertEqual(0, c.reconnects)
        hello = seen[0]
        self.assertEqual({"op": "hello", "version": 1, "client": "tests", "token": "secret", "id": 1}, hello)
        ops = [m["op"] for m in seen[1:]]
        self.assertEqual(["ping", "print", "put", "get", "put", "list", "list", "delete", "call"], ops)
        ids = [m["id"] for m in seen]
        self.assertEqual(sorted(set(ids)), ids, "each request has an id of its own, in order")
        put = seen[3]
        self.assertEqual(["op", "key", "codec", "id", "requestToken", "body"], list(put), "body last in the map")
        self.assertRegex(put["requestToken"], r"^[0-9a-f]{16}:%d$" % put["id"])
        self.assertEqual("cbor", put["codec"])
        mesh = seen[5]
        self.assertEqual("mesh", mesh["codec"])
        self.assertEqual(cbor2.CBORTag(70, b"\0\0\0\0\1\0\0\0\2\0\0\0"), mesh["body"]["indices"])
        self.assertEqual(["op", "key", "ifVersion", "id", "requestToken"], list(seen[8]))
        self.assertNotIn("requestToken", seen[4], "only writes carry a request token")
        self.assertEqual({"op": "call", "service": "svc", "method": "m", "args": [1, "two", None], "id": seen[9]["id"]}, seen[9])

    def test_get_mesh_returns_arrays_shaped_and_typed(self):
        body = {"positions": cbor2.CBORTag(85, b"\0\0\0\0" * 11 + b"\0\0\x80?"),
                "indices": cbor2.CBORTag(70, b"\0\0\0\0\1\0\0\0\3\0\0\0\2\0\0\0"),
                "faceCounts": cbor2.CBORTag(70, b"\4\0\0\0"),
                "attributes": {"id": {"owner": "point", "size": 1, "type": "int", "data": cbor2.CBORTag(78, b"\xff\xff\xff\xff" * 4)},
                               "N": {"owner": "point", "size": 3, "type": "float", "data": cbor2.CBORTag(85, b"\0\0\0\0" * 12)}},
                "name": "quad"}

        def script(peer):
            peer.hello()
            m = peer.expect("get")
            assert m["codec"] == "mesh", m
            peer.reply(m, {"key": m["key"], "version": 5, "codec": "mesh", "body": body})
            peer.drain()

        with FakeHost(script) as host, connect(host) as c:
            m = c.get_mesh("geo/quad")
        self.assertEqual(5, m["version"])
        self.assertEqual("quad", m["name"])
        self.assertEqual([0, 1, 3, 2], list(m["indices"]))
        self.assertEqual([4], list(m["faceCounts"]))
        self.assertEqual([-1] * 4, list(m["attributes"]["id"]["data"]))
        if _typed.numpy is not None:
            self.assertEqual((4, 3), m["positions"].shape)
            self.assertEqual("float32", m["positions"].dtype.name)
            self.assertEqual(1.0, float(m["positions"][3, 2]))
            self.assertEqual((4, 3), m["attributes"]["N"]["data"].shape)
            self.assertEqual("int32", m["attributes"]["id"]["data"].dtype.name)
        else:
            self.assertEqual(12, len(m["positions"]))
            self.assertEqual(1.0, m["positions"][11])

    def test_services_make_calls_and_node_output_reads_a_mesh(self):
        def script(peer):
            peer.hello()
            m = peer.expect("call")
            assert (m["service"], m["method"], m["args"]) == ("nodes", "create", ["/obj", "scatter", None]), m
            peer.reply(m, "/obj/scatter1")
            m = peer.expect("call")
            assert (m["service"], m["method"], m["args"]) == ("nodes", "types", []), m
            peer.reply(m, ["scatter"])
            m = peer.expect("call")
            assert (m["method"], m["args"]) == ("output", ["/obj/scatter1"]), m
            peer.reply(m, {"positions": cbor2.CBORTag(85, b"\0" * 24)})
            m = peer.expect("call")
            peer.reply(m, None)
            m = peer.expect("call")
            peer.fail(m, "NOT_FOUND", "no node /obj/x", {"path": "/obj/x"})
            peer.drain()

        with FakeHost(script) as host, connect(host) as c:
            self.assertEqual("/obj/scatter1", c.nodes.create("/obj", "scatter", None))
            self.assertEqual(["scatter"], c.service("nodes").types())
            out = c.node_output("/obj/scatter1")
            self.assertEqual(6, out["positions"].size if _typed.numpy is not None else len(out["positions"]))
            self.assertIsNone(c.node_output("/obj/scatter1"))
            with self.assertRaises(meshport.MeshportError) as e:
                c.nodes.cook("/obj/x")
            self.assertEqual(("NOT_FOUND", "no node /obj/x", {"path": "/obj/x"}), (e.exception.code, e.exception.message, e.exception.detail))
            self.assertEqual(c.nodes, c.service("nodes"))
            self.assertEqual(hash(c.nodes), hash(c.service("nodes")))
            self.assertNotEqual(c.nodes, c.service("lights"))
            self.assertEqual("<meshport service 'nodes' at 127.0.0.1:%d>" % host.port, repr(c.nodes))
            self.assertEqual("cook", c.nodes.cook.__name__)
            with self.assertRaises(AttributeError):
                c.nodes._secret


class ErrorsTest(unittest.TestCase):

    def test_an_error_reply_is_a_meshport_error_with_code_message_and_detail(self):
        def script(peer):
            peer.hello()
            m = peer.expect("put")
            peer.fail(m, "CONFLICT", "key a is at version 7", {"current": 7})
            m = peer.expect("get")
            peer.send({"id": m["id"], "ok": False, "error": {}})
            m = peer.expect("ping")
            peer.reply(m, {"time": 1})
            peer.drain()

        with FakeHost(script) as host, connect(host) as c:
            with self.assertRaises(meshport.MeshportError) as e:
                c.put("a", 1, if_version=3)
            self.assertEqual("CONFLICT", e.exception.code)
            self.assertEqual({"current": 7}, e.exception.detail)
            self.assertEqual("CONFLICT: key a is at version 7", str(e.exception))
            with self.assertRaises(meshport.MeshportError) as e:
                c.get("a")
            self.assertEqual(("INTERNAL", "", {}), (e.exception.code, e.exception.message, e.exception.detail))
            self.assertEqual(1, c.ping(), "the connection goes on after an error")

    def test_a_refused_hello_fails_connect(self):
        def script(peer):
            m = peer.expect("hello")
            peer.fail(m, "UNAUTHORIZED", "a token is required")
            peer.drain()

        with FakeHost(script) as host:
            with self.assertRaises(meshport.MeshportError) as e:
                connect(host, token="wrong")
            self.assertEqual("UNAUTHORIZED", e.exception.code)

    def test_no_host_no_connection(self):
        with FakeHost() as host:
            host.stop_listening()
            with self.assertRaises(OSError):
                connect(host)

    def test_a_reply_that_does_not_come_is_a_timeout(self):
        def script(peer):
            peer.hello()
            peer.expect("ping")
            peer.drain()

        with FakeHost(script) as host, connect(host, timeout=0.3) as c:
            t = time.monotonic()
            with self.assertRaisesRegex(TimeoutError, "no reply to ping within 0.3 s"):
                c.ping()
            self.assertLess(time.monotonic() - t, 3)

    def test_an_error_without_id_ends_the_connection(self):
        def script(peer):
            peer.hello()
            peer.expect("put")
            peer.send({"ok": False, "error": {"code": "BAD_FRAME", "message": "not CBOR"}})

        with FakeHost(script) as host, connect(host, reconnect=0) as c:
            with self.assertRaisesRegex(meshport.ConnectionClosed, "CLOSED: BAD_FRAME: not CBOR"):
                c.put("a", 1)
            with self.assertRaises(meshport.ConnectionClosed):
                c.ping()

    def test_bye_without_reconnecting_closes_and_ends_watches(self):
        def script(peer):
            peer.hello()
            m = peer.expect("watch")
            peer.reply(m, {"watch": 1})
            peer.reply(peer.expect("list"), [])
            peer.expect("ping")
            peer.bye("the host is stopping")

        with FakeHost(script) as host, connect(host, reconnect=0) as c:
            w = c.watch("a/")
            with self.assertRaises(meshport.ConnectionClosed) as e:
                c.ping()
            self.assertEqual("the host said bye: the host is stopping", e.exception.message)
            self.assertEqual([], list(w), "iterating a watch ends with its connection")
            w.close()  # nothing to tell the host any more

    def test_close_fails_the_requests_waiting_and_later_ones(self):
        def script(peer):
            peer.hello()
            peer.expect("ping")
            peer.drain()

        with FakeHost(script) as host:
            c = connect(host)
            waiting = support.Thread(c.ping)
            time.sleep(0.2)
            c.close()
            with self.assertRaisesRegex(meshport.ConnectionClosed, "closed by the client"):
                waiting.result()
            with self.assertRaisesRegex(meshport.ConnectionClosed, "closed by the client"):
                c.ping()
            c.close()

    def test_a_broken_frame_from_the_host_ends_the_connection(self):
        def script(peer):
            peer.hello()
            peer.expect("ping")
            peer.sock.sendall(b"\0\0\0\2\xff\xff")

        with FakeHost(script) as host, connect(host, reconnect=0) as c:
            with self.assertRaisesRegex(meshport.ConnectionClosed, "connection lost"):
                c.ping()


class WatchTest(unittest.TestCase):

    def test_events_come_in_order_and_close_unwatches(self):
        def script(peer):
            peer.hello()
            m = peer.expect("watch")
            assert m["prefix"] == "geo/", m
            peer.reply(m, {"watch": 3})
            peer.send({"op": "event", "watch": 3, "key": "geo/a", "version": 11, "change": "put"})  # before the list's reply
            m = peer.expect("list")
            peer.reply(m, [{"key": "geo/a", "version": 10}])
            peer.send({"op": "event", "watch": 4, "key": "geo/other", "version": 12, "change": "put"})  # not ours
            peer.send({"op": "event", "watch": 3, "key": "geo/a", "version": 13, "change": "delete"})
            m = peer.expect("unwatch")
            assert m["watch"] == 3, m
            peer.fail(m, "NOT_FOUND", "no watch 3")  # ended meanwhile: not an error for the client
            m = peer.expect("watch")
            peer.reply(m, {"watch": 4})
            peer.reply(peer.expect("list"), [])
            m = peer.expect("unwatch")
            peer.fail(m, "INTERNAL", "see the host's log")
            peer.drain()

        with FakeHost(script) as host, connect(host) as c:
            with c.watch("geo/") as w:
                self.assertEqual(3, w.id)
                self.assertEqual({"key": "geo/a", "version": 11, "change": "put"}, w.next_event(timeout=support.WAIT))
                self.assertEqual({"key": "geo/a", "version": 13, "change": "delete"}, w.next_event(timeout=support.WAIT))
                self.assertIsNone(w.next_event(timeout=0.1))
            self.assertEqual([], list(w))
            w2 = c.watch("x/")
            with self.assertRaisesRegex(meshport.MeshportError, "INTERNAL"):
                w2.close()


if __name__ == "__main__":
    unittest.main()
