"""Uploads against a scripted fake host: when a put becomes one, what goes on the wire (begin, appends
of the host's piece size with the data last, commit), progress and the bar, resuming after a broken
connection or from a CONFLICT, and the errors. Payloads: the encoding in buffers, not copied.
The same against a real host: host_test_uploads.py."""
import array
import io
import sys
import types
import unittest
from unittest import mock

import support
from support import HELLO, FakeHost, connect

import cbor2

import meshport
from meshport import _frames, _mesh, _payload, _typed

UPLOADS = dict(HELLO, uploads=True, maxFrameBytes=1 << 20)


class Host(object):
    """The upload ops (and put, get, ping) as a host answers them, for fake-host scripts: uploads held
    across connections. ``hook(peer, m)``, when given, sees each request first and answers it itself
    by returning True."""

    def __init__(self, chunk=1000, hello=UPLOADS):
        self.chunk = chunk
        self.hello = hello
        self.uploads = {}
        self.store = {}
        self.log = []  # (connection, request)
        self.frames = []  # (connection, the frame's bytes)
        self.version = 10

    def serve(self, peer, hook=None, stop=None):
        """Answers requests until the client closes, or until ``stop(m)`` says so of a request, which is
        then not answered (``stop`` may change the host's state as answering would have)."""
        while True:
            frame = peer.read_frame()
            if frame is None:
                return
            m = cbor2.loads(frame)
            self.log.append((peer.number, m))
            self.frames.append((peer.number, frame))
            if stop is not None and stop(m):
                return
            if hook is None or not hook(peer, m):
                self.answer(peer, m)

    def answer(self, peer, m):
        op = m["op"]
        if op == "hello":
            peer.reply(m, self.hello)
        elif op == "ping":
            peer.reply(m, {"time": 1})
        elif op == "put":
            self.version += 1
            self.store[m["key"]] = (m["codec"], m["body"])
            peer.reply(m, {"key": m["key"], "version": self.version, "kind": m["codec"], "summary": {}})
        elif op == "begin":
            uid = "%032x" % (len(self.uploads) + 1)
            self.uploads[uid] = {"key": m["key"], "codec": m.get("codec", "cbor"), "size": m["size"], "data": bytearray()}
            peer.reply(m, {"upload": uid, "chunkBytes": self.chunk})
        elif op in ("append", "commit", "abort", "upload") and m["upload"] not in self.uploads:
            peer.fail(m, "NOT_FOUND", "no upload %s is open" % m["upload"])
        elif op == "append":
            u = self.uploads[m["upload"]]
            data, at = u["data"], m["offset"]
            if at == len(data) and at + len(m["data"]) <= u["size"]:
                data += m["data"]
            elif not (at + len(m["data"]) <= len(data) and data[at:at + len(m["data"])] == m["data"]):
                return peer.fail(m, "CONFLICT", "send from offset %d" % len(data), {"received": len(data)})
            peer.reply(m, {"received": len(data)})
        elif op == "commit":
            u = self.uploads.pop(m["upload"])
            self.version += 1
            self.store[u["key"]] = (u["codec"], bytes(u["data"]))
            peer.reply(m, {"key": u["key"], "version": self.version, "kind": u["codec"], "summary": {"bytes": len(u["data"])}})
        elif op == "abort":
            del self.uploads[m["upload"]]
            peer.reply(m, None)
        elif op == "upload":
            u = self.uploads[m["upload"]]
            peer.reply(m, {"upload": m["upload"], "key": u["key"], "codec": u["codec"], "size": u["size"], "received": len(u["data"])})
        else:
            peer.fail(m, "UNKNOWN_OP", op)

    def ops(self, connection=None):
        return [m["op"] for n, m in self.log if connection is None or n == connection]

    def requests(self, op):
        return [m for _, m in self.log if m["op"] == op]


def blob(n):
    return bytes(i * 7 % 251 for i in range(n))


class PayloadTest(unittest.TestCase):

    def test_an_item_is_encoded_as_cbor2_encodes_it(self):
        values = [
            {"a": 1, "b": [1, 2.5, "x", None, True, -7], "c": cbor2.CBORTag(85, blob(100000)), "d": blob(70000),
             "e": bytearray(b"xy" * 40000), "f": list(range(1000)), "g": (1, 2), "h": {1: b"x", "k": {}}, "i": cbor2.CBORTag(1, 5)},
            [cbor2.CBORTag(70, blob(1 << 17)), cbor2.CBORTag(70, b"")],
            "text", 3, 1.5, None, b"", blob(65535), blob(65536), {"x" * 30: list(range(70))},
            {str(i): i for i in range(30)},  # a map head of two bytes
        ]
        for v in values:
            with self.subTest(v=str(v)[:60]):
                self.assertEqual(cbor2.dumps(v), b"".join(_payload.encode(v)))
                p = _payload.payload_of(v, "cbor")
                self.assertEqual(isinstance(v, bytes), p.raw, "a byte string is its own bytes")
                self.assertEqual(len(v) if p.raw else len(cbor2.dumps(v)), p.size)
                self.assertEqual(cbor2.dumps(v), b"".join(p.body()), "as the body of a put")

    def check_not_copied(self):
        positions = (_typed.numpy.zeros(30000, dtype="<f4") if _typed.numpy is not None else array.array("f", [0.0] * 30000))
        body = _mesh.mesh_body(positions, [0, 1, 2])
        p = _payload.payload_of(body, "mesh")
        before = b"".join(p.body())
        self.assertEqual(cbor2.dumps({"positions": cbor2.CBORTag(85, bytes(120000)), "indices": cbor2.CBORTag(70, bytes(
            b"\0\0\0\0\1\0\0\0\2\0\0\0"))}), before)
        positions[0] = 1.0
        self.assertNotEqual(before, b"".join(p.body()), "the payload reads the caller's array, not a copy")
        self.assertEqual(3, len(p.parts), "head, positions, the rest")

    def test_large_arrays_are_views_of_the_callers_array(self):
        self.check_not_copied()

    @support.without_numpy
    def test_large_arrays_are_views_of_the_callers_array_without_numpy_too(self):
        self.check_not_copied()

    def test_pieces_are_cut_across_parts_without_copying(self):
        p = _payload.Payload([b"abc", b"", memoryview(b"defgh"), bytearray(b"ij")], raw=True)
        self.assertEqual(10, p.size)
        self.assertEqual(3, len(p.parts), "empty parts are dropped")
        self.assertEqual(b"cdefg", b"".join(p.piece(2, 5)))
        self.assertTrue(all(isinstance(v, memoryview) for v in p.piece(2, 5)))
        self.assertEqual(b"abcdefghij", b"".join(p.piece(0, 10)))
        self.assertEqual(b"j", b"".join(p.piece(9, 1)))
        self.assertEqual(b"", b"".join(p.piece(10, 0)))
        with self.assertRaises(ValueError):
            p.piece(8, 3)
        self.assertEqual(cbor2.dumps(b"abcdefghij"), b"".join(p.body()), "a byte string in a put")

    def test_byte_strings_are_their_own_bytes_and_tag_64_too_for_codec_bytes(self):
        for v in (b"abc", bytearray(b"abc"), memoryview(b"abc"), memoryview(array.array("B", b"abc"))):
            with self.subTest(v=v):
                p = _payload.payload_of(v, "ply")
                self.assertTrue(p.raw)
                self.assertEqual(b"abc", b"".join(p.piece(0, 3)))
        p = _payload.payload_of(memoryview(array.array("I", [1, 2])), "bytes")
        self.assertEqual(8, p.size, "an array's bytes")
        self.assertTrue(_payload.payload_of(cbor2.CBORTag(64, b"abc"), "bytes").raw)
        tagged = _payload.payload_of(cbor2.CBORTag(64, b"abc"), "cbor")
        self.assertEqual(cbor2.dumps(cbor2.CBORTag(64, b"abc")), b"".join(tagged.body()), "the encoded item for other codecs")

    def test_a_field_given_encoded_goes_last_in_the_frame(self):
        for n in (1, 22, 23, 40):
            with self.subTest(fields=n):
                m = {"f%d" % i: i for i in range(n)}
                got = _frames.framed(dict(m), last=("body", [b"\x83", memoryview(b"\x01\x02"), b"\x03"]))
                self.assertEqual(_frames.framed(dict(m, body=[1, 2, 3])), got)


class UploadTest(unittest.TestCase):

    def put(self, host, size=2500, **kw):
        """A put of ``size`` bytes with codec bytes; returns (its result, the progress calls, the payload)."""
        data = blob(size)
        calls = []
        kw.setdefault("upload_threshold", 100)
        with FakeHost(host.serve) as fake, connect(fake) as c:
            r = c.put("up/k", data, codec="bytes", progress=lambda sent, total: calls.append((sent, total)), **kw)
        return r, calls, data

    def test_a_put_above_the_threshold_is_a_begin_appends_of_the_hosts_size_and_a_commit(self):
        host = Host(chunk=1000)
        r, calls, data = self.put(host, if_version=0)
        self.assertEqual(["hello", "begin", "append", "append", "append", "commit"], host.ops())
        self.assertEqual({"op": "begin", "key": "up/k", "size": 2500, "codec": "bytes", "ifVersion": 0, "id": 2}, host.requests("begin")[0])
        appends = host.requests("append")
        self.assertEqual([0, 1000, 2000], [m["offset"] for m in appends])
        self.assertEqual([data[0:1000], data[1000:2000], data[2000:]], [m["data"] for m in appends])
        self.assertEqual(["op", "upload", "offset", "id", "data"], list(appends[0]), "data last, after the id")
        commit = host.requests("commit")[0]
        self.assertRegex(commit["requestToken"], r"^[0-9a-f]{16}:%d$" % commit["id"], "a commit sent again applies once")
        self.assertEqual([(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)], calls)
        self.assertEqual({"key": "up/k", "version": 11, "kind": "bytes", "summary": {"bytes": 2500}}, r)
        self.assertEqual(("bytes", data), host.store["up/k"])
        self.assertEqual({}, host.uploads)

    def test_a_payload_larger_than_a_frame_goes_as_an_upload_by_itself_and_a_smaller_one_in_one_put(self):
        host = Host(chunk=3000, hello=dict(UPLOADS, maxFrameBytes=4096))
        data = blob(10000)
        calls = []
        with FakeHost(host.serve) as fake, connect(fake) as c:
            c.put("up/big", data, codec="bytes", progress=lambda s, t: calls.append(s))
            c.put("up/small", data[:3000], codec="bytes", progress=lambda s, t: calls.append(s))
        self.assertEqual(["hello", "begin", "append", "append", "append", "append", "commit", "put"], host.ops())
        self.assertEqual([0, 3000, 6000, 9000, 10000, 0, 3000], calls, "a put in one frame: 0, then all")
        self.assertEqual(("bytes", data), host.store["up/big"])
        self.assertEqual(("bytes", data[:3000]), host.store["up/small"])

    def test_a_host_without_uploads_gets_one_put_or_a_clear_error_before_anything_is_sent(self):
        host = Host(hello=dict(HELLO, maxFrameBytes=4096))
        with FakeHost(host.serve) as fake, connect(fake, upload_threshold=10) as c:
            with self.assertRaises(meshport.MeshportError) as e:
                c.put("up/big", blob(5000), codec="bytes")
            self.assertEqual("FRAME_TOO_LARGE", e.exception.code)
            self.assertRegex(e.exception.message, r"^this put of 'up/big' is \d+ bytes; the host takes frames of at most 4096 "
                                                  r"bytes and no uploads")
            c.put("up/small", blob(100), codec="bytes")
            with self.assertRaisesRegex(ValueError, "this host does not take uploads"):
                c.put("up/small", blob(100), codec="bytes", resume="0" * 32)
        self.assertEqual(["hello", "put"], host.ops())

    def test_a_conflict_goes_on_from_the_count_the_host_says_once(self):
        host = Host(chunk=1000)
        said = []

        def hook(peer, m):
            if m["op"] == "append" and m["offset"] == 1000 and not said:
                del host.uploads[m["upload"]]["data"][500:]  # the host holds less than the client thought
                said.append(m)
                peer.fail(m, "CONFLICT", "send from offset 500", {"received": 500})
                return True
            return False

        calls = []
        data = blob(2500)
        with FakeHost(lambda peer: host.serve(peer, hook)) as fake, connect(fake) as c:
            c.put("up/k", data, codec="bytes", upload_threshold=0, progress=lambda s, t: calls.append(s))
        self.assertEqual([0, 1000, 500, 1500], [m["offset"] for m in host.requests("append")])
        self.assertEqual([0, 1000, 500, 1500, 2500], calls, "what the host holds, even when it is less")
        self.assertEqual(("bytes", data), host.store["up/k"])

    def test_a_second_conflict_in_a_row_is_the_hosts_error_and_the_upload_is_aborted(self):
        host = Host(chunk=1000)

        def hook(peer, m):
            if m["op"] == "append" and m["offset"] > 0:
                peer.fail(m, "CONFLICT", "the host holds %d" % (m["offset"] + 3), {"received": m["offset"] // 2})
                return True
            return False

        with FakeHost(lambda peer: host.serve(peer, hook)) as fake, connect(fake) as c:
            with self.assertRaises(meshport.MeshportError) as e:
                c.put("up/k", blob(2500), codec="bytes", upload_threshold=0)
            self.assertEqual(("CONFLICT", "the host holds 503", {"received": 250}), (e.exception.code, e.exception.message, e.exception.detail))
            self.assertIsNone(e.exception.upload)
            self.assertEqual(1, c.ping(), "the connection goes on")
        self.assertEqual(["hello", "begin", "append", "append", "append", "abort", "ping"], host.ops())
        self.assertEqual([0, 1000, 500], [m["offset"] for m in host.requests("append")])
        self.assertEqual({}, host.uploads)

    def test_errors_of_begin_and_of_an_upload_the_host_dropped_are_the_hosts_and_nothing_is_aborted(self):
        host = Host(chunk=1000)

        def hook(peer, m):
            if m["op"] == "begin" and m["codec"] == "nope":
                peer.fail(m, "NO_CODEC", "no codec 'nope'; installed: bytes, cbor, mesh")
                return True
            if m["op"] == "append" and m["offset"] == 1000:
                host.uploads.clear()  # dropped after uploadIdleSeconds, say
            return False

        with FakeHost(lambda peer: host.serve(peer, hook)) as fake, connect(fake, upload_threshold=0) as c:
            with self.assertRaisesRegex(meshport.MeshportError, r"^NO_CODEC: no codec 'nope'; installed: bytes, cbor, mesh$"):
                c.put("up/k", blob(2500), codec="nope")
            with self.assertRaisesRegex(meshport.MeshportError, r"^NOT_FOUND: no upload 0+1 is open"):
                c.put("up/k", blob(2500), codec="bytes")
        self.assertEqual(["hello", "begin", "begin", "append", "append"], host.ops())

    def test_the_piece_in_flight_when_the_connection_breaks_goes_again_byte_for_byte_and_no_other(self):
        host = Host(chunk=1000)
        data = blob(3500)
        calls = []

        def arrived(m):
            if m["op"] == "append" and m["offset"] == 1000:
                host.uploads[m["upload"]]["data"] += m["data"]  # the piece arrived, its reply will not
                return True
            return False

        def first(peer):
            host.serve(peer, stop=arrived)

        with FakeHost(first, host.serve) as fake, connect(fake) as c:
            r = c.put("up/k", data, codec="bytes", upload_threshold=0, progress=lambda s, t: calls.append(s))
            self.assertEqual(1, c.reconnects)
        self.assertEqual(["hello", "begin", "append", "append", "hello", "append", "append", "append", "commit"], host.ops())
        appends = [(n, f) for n, f in host.frames if cbor2.loads(f)["op"] == "append"]
        self.assertEqual(appends[1][1], appends[2][1], "the same frame, id and all")
        self.assertEqual([0, 0, 1, 1, 1], [n for n, _ in appends])
        self.assertEqual([0, 1000, 1000, 2000, 3000], [m["offset"] for m in host.requests("append")])
        self.assertEqual([0, 1000, 2000, 3000, 3500], calls)
        self.assertEqual(("bytes", data), host.store["up/k"])
        self.assertEqual(12, r["version"] + 1)

    def test_a_commit_sent_again_after_a_reconnect_that_finds_no_upload_says_it_was_most_likely_applied(self):
        host = Host(chunk=1000)

        def applied(m):
            if m["op"] == "commit":
                u = host.uploads.pop(m["upload"])  # applied; the reply is lost with the connection
                host.store[u["key"]] = (u["codec"], bytes(u["data"]))
                return True
            return False

        def first(peer):
            host.serve(peer, stop=applied)

        with FakeHost(first, host.serve) as fake, connect(fake) as c:
            with self.assertRaises(meshport.MeshportError) as e:
                c.put("up/k", blob(1500), codec="bytes", upload_threshold=0)
        self.assertEqual("NOT_FOUND", e.exception.code)
        self.assertRegex(e.exception.message, r"^the connection broke while upload 0+1 of 'up/k' was being committed, and the host "
                                              r"no longer knows the upload: the first commit was most likely applied \(get or list "
                                              r"'up/k' to see\): no upload 0+1 is open$")
        self.assertEqual(["hello", "begin", "append", "append", "commit", "hello", "commit"], host.ops())

    def test_without_reconnecting_the_error_names_the_upload_and_resume_goes_on_from_what_the_host_holds(self):
        host = Host(chunk=1000)
        data = blob(3500)

        def arrived(m):
            if m["op"] == "append" and m["offset"] == 1000:
                host.uploads[m["upload"]]["data"] += m["data"]  # the piece arrived, its reply will not
                return True
            return False

        def first(peer):
            host.serve(peer, stop=arrived)

        with FakeHost(first, host.serve) as fake:
            with connect(fake, reconnect=0) as c:
                with self.assertRaises(meshport.ConnectionClosed) as e:
                    c.put("up/k", data, codec="bytes", upload_threshold=0)
            uid = "%032x" % 1
            self.assertEqual((uid, 1000), (e.exception.upload, e.exception.received))
            self.assertEqual("CLOSED: the host closed the connection; upload %s of 'up/k' stopped, the host having acknowledged "
                             "1000 of its 3500 bytes: put the same payload again with resume='%s' (on this or another connection,"
                             " within the host's uploadIdleSeconds) to go on, or abort_upload('%s')" % (uid, uid, uid), str(e.exception))
            calls = []
            with connect(fake) as c:
                self.assertEqual({"upload": uid, "key": "up/k", "codec": "bytes", "size": 3500, "received": 2000}, c.upload_state(uid))
                with self.assertRaisesRegex(ValueError, r"^upload 0+1 is of 'up/k' with codec bytes, 3500 bytes; not this put of "
                                                        r"'up/k' with codec bytes, 3499 bytes$"):
                    c.put("up/k", data[:-1], codec="bytes", resume=uid)
                c.put("up/k", data, codec="bytes", resume=uid, progress=lambda s, t: calls.append(s))
        # Resumed, the pieces are as large as the host's rule for chunkBytes makes them (min(8 MiB,
        # maxFrameBytes - 1 KiB)): begin's answer is not at hand.
        self.assertEqual([2000, 3500], calls)
        self.assertEqual([0, 1000, 2000], [m["offset"] for m in host.requests("append")])
        self.assertEqual(("bytes", data), host.store["up/k"])
        self.assertEqual(["hello", "upload", "upload", "upload", "append", "commit"], host.ops(1))

    def test_a_reply_that_does_not_come_is_a_timeout_naming_the_upload_and_abort_upload_drops_it(self):
        host = Host(chunk=1000)

        def hook(peer, m):
            return m["op"] == "append" and m["offset"] == 1000  # no reply

        with FakeHost(lambda peer: host.serve(peer, hook)) as fake, connect(fake, timeout=0.5) as c:
            with self.assertRaises(TimeoutError) as e:
                c.put("up/k", blob(2500), codec="bytes", upload_threshold=0)
            self.assertRegex(str(e.exception), r"^no reply to append within 0.5 s; upload 0+1 of 'up/k' stopped")
            self.assertEqual(("%032x" % 1, 1000), (e.exception.upload, e.exception.received))
            c.abort_upload(e.exception.upload)
        self.assertEqual({}, host.uploads)
        self.assertEqual("abort", host.ops()[-1])

    def test_a_progress_callable_that_raises_stops_the_upload(self):
        host = Host(chunk=1000)

        def progress(sent, total):
            if sent:
                raise RuntimeError("stop at %d" % sent)

        with FakeHost(host.serve) as fake, connect(fake) as c:
            with self.assertRaisesRegex(RuntimeError, "^stop at 1000$"):
                c.put("up/k", blob(2500), codec="bytes", upload_threshold=0, progress=progress)
        self.assertEqual(["hello", "begin", "append", "abort"], host.ops())
        self.assertEqual({}, host.uploads)

    def test_meshes_and_positions_updates_go_as_uploads_too(self):
        host = Host(chunk=100)
        points = [0, 0, 0, 1, 0, 0, 0, 1, 0] * 4
        with FakeHost(host.serve) as fake, connect(fake, upload_threshold=50) as c:
            c.put_mesh("up/m", points, [0, 1, 2], attributes={"Cd": ("point", 3, [0.5] * 36)}, name="t")
            c.update_positions("up/m2", 11, [1] * 36)
        self.assertEqual(["hello", "begin", "append", "append", "append", "append", "commit", "begin", "append", "append", "commit"],
                         host.ops())
        self.assertEqual("mesh", host.store["up/m"][0])
        self.assertEqual(_mesh.mesh_body(points, [0, 1, 2], attributes={"Cd": ("point", 3, [0.5] * 36)}, name="t"),
                         cbor2.loads(host.store["up/m"][1]), "the encoded mesh map itself")
        self.assertEqual(_mesh.positions_update(11, [1] * 36), cbor2.loads(host.store["up/m2"][1]))


class Tty(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


class Bar(object):
    made = []

    def __init__(self, **kw):
        self.kw = kw
        self.updates = []
        self.closed = False
        Bar.made.append(self)

    def update(self, n):
        self.updates.append(n)

    def close(self):
        self.closed = True


class ProgressBarTest(unittest.TestCase):

    def setUp(self):
        Bar.made = []
        self.tqdm = types.ModuleType("tqdm")
        self.tqdm.tqdm = Bar

    def upload(self, tty=True, tqdm="fake", **kw):
        host = Host(chunk=1000)
        modules = {"tqdm": self.tqdm if tqdm == "fake" else tqdm}
        stderr = Tty(tty)
        with mock.patch.dict(sys.modules, modules), mock.patch.object(sys, "stderr", stderr):
            with FakeHost(host.serve) as fake, connect(fake, **kw) as c:
                c.put("up/k", blob(2500), codec="bytes", upload_threshold=0)
                c.put("up/one", blob(10), codec="bytes")
        return stderr

    def test_on_a_terminal_an_upload_shows_a_tqdm_bar_of_its_bytes(self):
        stderr = self.upload()
        self.assertEqual(1, len(Bar.made), "for the upload only")
        bar = Bar.made[0]
        self.assertEqual({"total": 2500, "initial": 0, "unit": "B", "unit_scale": True, "unit_divisor": 1024, "desc": "up/k",
                          "file": stderr}, bar.kw)
        self.assertEqual([1000, 1000, 500], bar.updates)
        self.assertTrue(bar.closed)

    def test_no_bar_when_not_a_terminal_or_turned_off_or_without_tqdm(self):
        self.assertEqual("", self.upload(tty=False).getvalue())
        self.upload(progress_bar=False)
        self.assertEqual("", self.upload(tqdm=None).getvalue(), "tqdm cannot be imported: nothing, no error")
        self.assertEqual([], Bar.made)


if __name__ == "__main__":
    unittest.main()
