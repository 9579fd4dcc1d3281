"""Uploads against a real host (protocol section 10): a payload larger than a frame goes in pieces, is
stored exactly, reports its progress, resumes after a broken connection sending at most one piece
again, and fails with the host's errors.

Needs a host: ``MESHPORT_TEST_PORT`` (on 127.0.0.1), started with small frames (``maxFrameBytes`` of
1 MiB or so, so that a mesh of a few MB takes several pieces) and ``maxUploadBytes`` as
``MESHPORT_TEST_MAX_UPLOAD_BYTES`` says. launcher's PythonPackageIT starts one and runs these with
``python3 -m unittest discover -s clients/python/tests -p 'host_test*.py'``; the plain discover
(``test*.py``) leaves them out. The client goes through ``proxy.Proxy``, which counts the bytes it
sends and breaks its connection where a test says.
"""
import array
import os
import random
import unittest

import support
from proxy import Proxy

import cbor2

import meshport
from meshport import _typed

PORT = os.environ.get("MESHPORT_TEST_PORT")
if not PORT:
    raise unittest.SkipTest("needs a host: MESHPORT_TEST_PORT (launcher's PythonPackageIT starts one)")
MAX_UPLOAD = int(os.environ.get("MESHPORT_TEST_MAX_UPLOAD_BYTES", "0"))


def grid(n, lift=0.0):
    """A mesh of n x n points: positions, triangles and a point colour ``Cd``, as NumPy arrays when
    the client has NumPy, else as array.array."""
    numpy = _typed.numpy
    if numpy is not None:
        i = numpy.arange(n * n)
        positions = numpy.stack([i % n, i // n, numpy.sin(i * 0.01) + lift], axis=1).astype(numpy.float32)
        q = (numpy.arange(n - 1)[None, :] + n * numpy.arange(n - 1)[:, None]).reshape(-1)
        indices = numpy.stack([q, q + 1, q + n, q + 1, q + n + 1, q + n], axis=1).reshape(-1).astype(numpy.uint32)
        cd = numpy.stack([i % 7 / 7.0, i % 5 / 5.0, i % 3 / 3.0], axis=1).astype(numpy.float32)
        return positions, indices, cd
    positions = array.array("f")
    cd = array.array("f")
    for i in range(n * n):
        positions.extend((i % n, i // n, 0.001 * (i % 1000) + lift))
        cd.extend((i % 7 / 7.0, i % 5 / 5.0, i % 3 / 3.0))
    indices = array.array("I")
    for y in range(n - 1):
        for x in range(n - 1):
            q = x + n * y
            indices.extend((q, q + 1, q + n, q + 1, q + n + 1, q + n))
    return positions, indices, cd


def flat(a):
    """Values of a (possibly shaped) array as a flat list, for comparing."""
    numpy = _typed.numpy
    if numpy is not None:
        return numpy.asarray(a).reshape(-1).tolist()
    return list(a)


class UploadsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.proxy = Proxy(int(PORT))
        with meshport.connect("127.0.0.1", int(PORT), timeout=support.WAIT) as c:
            cls.info = c.info
        cls.max_frame = cls.info["maxFrameBytes"]
        cls.chunk = min(8 << 20, cls.max_frame - 1024)  # the host's chunkBytes
        assert cls.info.get("uploads") is True, cls.info
        assert cls.max_frame <= 4 << 20, "these tests want a host with small frames, not %d bytes" % cls.max_frame
        cls.mesh = grid(300)  # about 4.3 MB: several pieces

    @classmethod
    def tearDownClass(cls):
        cls.proxy.close()

    def setUp(self):
        self.proxy.cut = None
        self.proxy.cuts = 0
        self.proxy.reset()

    def connect(self, **kw):
        kw.setdefault("timeout", support.WAIT)
        kw.setdefault("reconnect", 5.0)
        return meshport.connect("127.0.0.1", self.proxy.port, **kw)

    def appends(self):
        return [f for f in self.proxy.frames if f.op == "append"]

    def check_stored(self, c, key, positions, indices, cd):
        m = c.get_mesh(key)
        self.assertEqual(flat(positions), flat(m["positions"]))
        self.assertEqual(flat(indices), flat(m["indices"]))
        self.assertEqual(flat(cd), flat(m["attributes"]["Cd"]["data"]))
        return m

    def test_a_mesh_larger_than_a_frame_goes_in_pieces_reports_progress_and_is_stored_exactly(self):
        positions, indices, cd = self.mesh
        seen = []
        with self.connect() as c:
            r = c.put_mesh("up/grid", positions, indices, attributes={"Cd": ("point", 3, cd)},
                           progress=lambda sent, total: seen.append((sent, total)))
            self.assertEqual(("up/grid", "mesh", 90000), (r["key"], r["kind"], r["summary"]["points"]))
            m = self.check_stored(c, "up/grid", positions, indices, cd)
            self.assertEqual(r["version"], m["version"])
        size = seen[-1][1]
        self.assertGreater(size, 3 * self.max_frame, "larger than a frame: it had to go in pieces")
        self.assertEqual([(min(at, size), size) for at in range(0, size + self.chunk, self.chunk)], seen,
                         "0 first, then after each piece the bytes the host holds, the total last")
        self.assertEqual(["hello", "begin"] + ["append"] * (len(seen) - 1) + ["commit", "get"], self.proxy.ops())
        self.assertEqual([self.chunk * i for i in range(len(seen) - 1)], [f.offset for f in self.appends()])
        self.assertEqual(size, sum(f.data for f in self.appends()), "each byte sent once")
        self.assertLessEqual(max(f.wire for f in self.proxy.frames), self.max_frame + 4, "every frame fits")

    def test_the_threshold_makes_a_small_put_an_upload_per_call_or_per_connection(self):
        positions, indices, cd = grid(40)  # about 30 KB: one frame
        with self.connect() as c:
            c.put_mesh("up/small", positions, indices, attributes={"Cd": ("point", 3, cd)})
            self.assertEqual(["hello", "put"], self.proxy.ops())
            self.proxy.reset()
            c.put_mesh("up/small", positions, indices, attributes={"Cd": ("point", 3, cd)}, upload_threshold=10000)
            self.assertEqual(["begin", "append", "commit"], self.proxy.ops())
            self.check_stored(c, "up/small", positions, indices, cd)
        self.proxy.reset()
        with self.connect(upload_threshold=10000) as c:
            c.put("up/blob", bytes(20000), codec="bytes")
            c.put("up/tiny", bytes(9000), codec="bytes")
            c.put("up/blob2", bytes(20000), codec="bytes", upload_threshold=1 << 20)
            self.assertEqual(["hello", "begin", "append", "commit", "put", "put"], self.proxy.ops())
            self.assertEqual(bytes(20000), c.get("up/blob")["body"])

    def test_bytes_and_cbor_payloads_go_as_uploads_too(self):
        blob = random.Random(5).randbytes(1 << 16) * 40  # 2.6 MB
        value = {"name": "scan", "raw": blob, "tags": ["a", "b"], "n": 7, "blobs": [blob[:70000], b"x"], "f": 0.5}
        seen = []
        with self.connect() as c:
            r = c.put("up/bytes", bytearray(blob), codec="bytes", progress=lambda s, t: seen.append(s))
            self.assertEqual("bytes", r["kind"])
            self.assertEqual(blob, c.get("up/bytes")["body"])
            self.assertEqual(len(blob), sum(f.data for f in self.appends()), "a byte string's own bytes, nothing around them")
            self.assertEqual(0, seen[0])
            self.assertEqual(len(blob), seen[-1])
            self.proxy.reset()
            seen = []
            c.put("up/cbor", value, progress=lambda s, t: seen.append(s))
            pieces = -(-seen[-1] // self.chunk)
            self.assertGreater(pieces, 1)
            self.assertEqual(["begin"] + ["append"] * pieces + ["commit"], self.proxy.ops())
            self.assertEqual(value, c.get("up/cbor")["body"])
            self.assertEqual(len(cbor2.dumps(value)), seen[-1], "the encoded item")
            self.proxy.reset()
            c.put("up/tag64", cbor2.CBORTag(64, blob), codec="bytes")
            self.assertEqual(blob, c.get("up/tag64")["body"])
            self.assertEqual(len(blob), sum(f.data for f in self.appends()))

    def check_resumed(self, how, piece):
        """Breaks the connection at the ``piece``-th append (``how``: "mid" or "after"), and checks that
        the client went on by itself on a new connection, sending that one piece again and nothing else."""
        positions, indices, cd = self.mesh
        key = "up/resumed-" + how
        at = piece * self.chunk
        self.proxy.cut = lambda f: how if f.op == "append" and f.offset == at else None
        seen = []
        with self.connect() as c:
            c.put_mesh(key, positions, indices, attributes={"Cd": ("point", 3, cd)}, progress=lambda s, t: seen.append(s))
            self.assertEqual(1, c.reconnects)
            self.check_stored(c, key, positions, indices, cd)
        self.assertEqual(1, self.proxy.cuts)
        size = seen[-1]
        pieces = list(range(0, size, self.chunk))
        self.assertEqual([min(a, size) for a in range(0, size + self.chunk, self.chunk)], seen,
                         "progress as without the break: each count once, in order")
        appends = self.appends()
        self.assertEqual(pieces[:piece + 1] + [at] + pieces[piece + 1:], [f.offset for f in appends],
                         "the broken piece once more, then the next ones")
        self.assertEqual(size + self.chunk, sum(f.data for f in appends), "every byte once, and one piece twice")
        self.assertEqual(["hello", "append"], self.proxy.ops(1)[:2], "the new connection starts with that piece")
        self.assertEqual(at, [f for f in appends if f.connection == 1][0].offset)
        self.assertLess(self.proxy.sent, size + self.chunk + 4096, "nothing else of size was sent")

    def test_a_connection_broken_in_the_middle_of_a_piece_goes_on_sending_that_piece_again(self):
        self.check_resumed("mid", 2)

    def test_a_connection_broken_before_a_piece_was_acknowledged_sends_it_again_and_the_host_acknowledges_it(self):
        self.check_resumed("after", 1)

    def test_an_upload_left_open_goes_on_from_what_the_host_holds_on_another_connection(self):
        positions, indices, cd = self.mesh
        self.proxy.cut = lambda f: "after" if f.op == "append" and f.offset == 2 * self.chunk else None
        with self.connect(reconnect=0) as c:
            with self.assertRaises(meshport.ConnectionClosed) as e:
                c.put_mesh("up/later", positions, indices, attributes={"Cd": ("point", 3, cd)})
        upload = e.exception.upload
        self.assertRegex(upload, "^[0-9a-f]{32}$")
        self.assertEqual(2 * self.chunk, e.exception.received, "what the last reply said")
        self.assertIn("resume=%r" % upload, str(e.exception))
        seen = []
        with self.connect() as c:
            state = c.upload_state(upload)
            self.assertEqual({"upload": upload, "key": "up/later", "codec": "mesh", "received": 3 * self.chunk},
                             {k: state[k] for k in ("upload", "key", "codec", "received")}, "the piece whose reply was lost arrived")
            self.proxy.reset()
            with self.assertRaisesRegex(ValueError, "not this put of 'up/other'"):
                c.put_mesh("up/other", positions, indices, attributes={"Cd": ("point", 3, cd)}, resume=upload)
            r = c.put_mesh("up/later", positions, indices, attributes={"Cd": ("point", 3, cd)}, resume=upload,
                           progress=lambda s, t: seen.append(s))
            self.assertEqual(90000, r["summary"]["points"])
            self.check_stored(c, "up/later", positions, indices, cd)
            size = state["size"]
            self.assertEqual(3 * self.chunk, seen[0])
            self.assertEqual(size, seen[-1])
            self.assertEqual(size - 3 * self.chunk, sum(f.data for f in self.appends()), "only what the host did not hold")
            with self.assertRaises(meshport.MeshportError) as gone:
                c.upload_state(upload)
            self.assertEqual("NOT_FOUND", gone.exception.code)

    def test_an_upload_left_open_can_be_aborted(self):
        self.proxy.cut = lambda f: "mid" if f.op == "append" else None
        with self.connect(reconnect=0) as c:
            with self.assertRaises(meshport.ConnectionClosed) as e:
                c.put("up/aborted", bytes(3 * self.chunk), codec="bytes")
        self.assertEqual(0, e.exception.received)
        with self.connect() as c:
            self.assertEqual(0, c.upload_state(e.exception.upload)["received"])
            c.abort_upload(e.exception.upload)
            with self.assertRaisesRegex(meshport.MeshportError, "^NOT_FOUND: "):
                c.upload_state(e.exception.upload)
            with self.assertRaisesRegex(meshport.MeshportError, "^NOT_FOUND: "):
                c.get("up/aborted")

    def test_the_hosts_errors_come_with_its_code_and_message_and_the_connection_goes_on(self):
        positions, indices, cd = self.mesh
        with self.connect() as c:
            with self.assertRaises(meshport.MeshportError) as e:
                c.put("up/nocodec", bytes(2 * self.max_frame), codec="nope")
            self.assertEqual("NO_CODEC", e.exception.code)
            self.assertIn("mesh", e.exception.message, "it lists the codecs there are")
            self.assertEqual(["hello", "begin"], self.proxy.ops(), "refused before a byte was sent")

            if MAX_UPLOAD:
                self.proxy.reset()
                with self.assertRaises(meshport.MeshportError) as e:
                    c.put("up/huge", bytes(MAX_UPLOAD + 1), codec="bytes")
                self.assertEqual("OVERLOADED", e.exception.code)
                self.assertIn(str(MAX_UPLOAD), e.exception.message)
                self.assertEqual(["begin"], self.proxy.ops())

            self.proxy.reset()
            bad = list(indices[:-3]) + [0, 1, 90000]  # a point that is not there: the codec refuses it at commit
            with self.assertRaises(meshport.MeshportError) as e:
                c.put_mesh("up/invalid", positions, bad)
            self.assertEqual("INVALID_MESH", e.exception.code)
            self.assertIn("90000", e.exception.message)
            self.assertEqual("commit", self.proxy.ops()[-2], "then an abort, which finds the upload gone")
            self.assertEqual("abort", self.proxy.ops()[-1])

            v = c.put("up/there", 1)["version"]
            with self.assertRaises(meshport.MeshportError) as e:
                c.put_mesh("up/there", positions, indices, if_version=v + 1000)
            self.assertEqual(("CONFLICT", v), (e.exception.code, e.exception.detail.get("current")))

            calls = []

            class Stop(Exception):
                pass

            def stop(sent, total):
                calls.append(sent)
                if sent >= self.chunk:
                    raise Stop("enough")

            self.proxy.reset()
            with self.assertRaisesRegex(Stop, "enough"):
                c.put_mesh("up/stopped", positions, indices, progress=stop)
            self.assertEqual([0, self.chunk], calls)
            self.assertEqual(["begin", "append", "abort"], self.proxy.ops(), "a progress callable that raises stops the upload")
            for key in ("up/nocodec", "up/huge", "up/invalid", "up/stopped"):
                with self.assertRaisesRegex(meshport.MeshportError, "^NOT_FOUND: "):
                    c.get(key)
            self.assertEqual(1, c.get("up/there")["body"])
            self.assertEqual(0, c.reconnects)


if __name__ == "__main__":
    unittest.main()
