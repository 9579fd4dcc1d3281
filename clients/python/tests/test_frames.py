"""Framing: length-prefixed CBOR written whole, and cut back into frames from pieces of any size."""
import socket
import struct
import unittest

import support  # noqa: F401  (the package's path)

import cbor2

from meshport import _frames


class Chunks(object):
    """A socket that returns ``data`` at most ``size`` bytes a read, then the end of the stream."""

    def __init__(self, data, size):
        self.data = memoryview(data)
        self.size = size
        self.at = 0

    def recv(self, n):
        piece = bytes(self.data[self.at:self.at + min(n, self.size)])
        self.at += len(piece)
        return piece

    def recv_into(self, view):
        piece = self.recv(len(view))
        view[:len(piece)] = piece
        return len(piece)


def read_all(reader, sock):
    out = []
    while True:
        n = reader.read_from(sock)
        out.extend(bytes(f) for f in reader.frames())
        if n == 0:
            return out


class FramesTest(unittest.TestCase):

    def test_a_frame_is_a_big_endian_length_then_one_cbor_item(self):
        frame = _frames.framed({"op": "ping", "id": 1})
        (n,) = struct.unpack(">I", frame[:4])
        self.assertEqual(len(frame) - 4, n)
        self.assertEqual({"op": "ping", "id": 1}, cbor2.loads(frame[4:]))

    def test_small_and_large_frames_come_out_whole_whatever_the_pieces(self):
        bodies = [cbor2.dumps({"i": i, "pad": b"x" * size})
                  for i, size in enumerate([0, 10, 70000, 3, (1 << 16) - 30, 1 << 16, 200000, 1])]
        stream = b"".join(struct.pack(">I", len(b)) + b for b in bodies)
        for size in (1, 3, 4, 5, 1000, 65536, 65540, 300000, len(stream)):
            with self.subTest(piece=size):
                self.assertEqual(bodies, read_all(_frames.FrameReader(), Chunks(stream, size)))

    def test_a_large_frame_is_read_into_a_buffer_of_its_size(self):
        body = cbor2.dumps({"pad": b"y" * 100000})
        small = cbor2.dumps({"after": True})
        reader = _frames.FrameReader()
        sock = Chunks(struct.pack(">I", len(body)) + body[:10], 1 << 20)
        reader.read_from(sock)
        self.assertEqual([], list(reader.frames()))
        self.assertEqual(len(body), len(reader._body))
        rest = Chunks(body[10:] + struct.pack(">I", len(small)) + small, 1 << 20)
        got = read_all(reader, rest)
        self.assertEqual([body, small], got)

    def test_an_incomplete_frame_waits_for_its_bytes(self):
        body = cbor2.dumps({"op": "event"})
        reader = _frames.FrameReader()
        reader.read_from(Chunks(struct.pack(">I", len(body)) + body[:-1], 1 << 20))
        self.assertEqual([], list(reader.frames()))
        reader.read_from(Chunks(body[-1:], 1))
        self.assertEqual([body], [bytes(f) for f in reader.frames()])

    def test_read_message_over_a_socket_and_the_end_of_the_stream(self):
        a, b = socket.socketpair()
        with a, b:
            a.settimeout(support.WAIT)
            b.sendall(_frames.framed({"id": 7, "ok": True}) + _frames.framed({"op": "bye"}))
            self.assertEqual({"id": 7, "ok": True}, _frames.read_message(a))
            self.assertEqual({"op": "bye"}, _frames.read_message(a))
            b.sendall(b"\0\0")
            b.shutdown(socket.SHUT_WR)
            with self.assertRaises(EOFError):
                _frames.read_message(a)


if __name__ == "__main__":
    unittest.main()
