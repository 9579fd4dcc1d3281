"""Frames on the wire: a 4-byte big-endian length, then one CBOR item; written whole, read in pieces."""
import struct

import cbor2


def framed(message, last=None):
    """``message`` as one frame's bytes. ``last``: ``(name, parts)``, one more entry, last in the map,
    whose value is already encoded as a list of byte buffers (bytes, or memoryviews of bytes): a put's
    body, an append's data. Joining them into the frame is the one copy they make here."""
    body = cbor2.dumps(message)
    if last is None:
        return struct.pack(">I", len(body)) + body
    name, parts = last
    # cbor2 writes a map's head with the fewest bytes; the same map with one entry more:
    lead = head(5, len(message) + 1) + body[len(head(5, len(message))):] + cbor2.dumps(name)
    size = len(lead) + sum(len(p) for p in parts)
    return b"".join([struct.pack(">I", size), lead] + list(parts))


def head(major, n):
    """The head of a CBOR item of major type ``major`` with argument ``n`` (a length, a count, a tag),
    in the fewest bytes, as cbor2 writes it."""
    if n < 24:
        return bytes((major << 5 | n,))
    if n < 1 << 8:
        return struct.pack(">BB", major << 5 | 24, n)
    if n < 1 << 16:
        return struct.pack(">BH", major << 5 | 25, n)
    if n < 1 << 32:
        return struct.pack(">BI", major << 5 | 26, n)
    return struct.pack(">BQ", major << 5 | 27, n)


def recv_exactly(sock, n):
    """Exactly ``n`` bytes from a blocking socket; EOFError if the host closes it first."""
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError("the host closed the connection")
        buf += chunk
    return bytes(buf)


def read_message(sock):
    """The next message from a blocking socket."""
    (n,) = struct.unpack(">I", recv_exactly(sock, 4))
    return cbor2.loads(recv_exactly(sock, n))


class FrameReader(object):
    """Cuts the byte stream from the host into frames. A large frame (a mesh) is read straight into a
    buffer of its size: appending pieces to one growing buffer and slicing the frame out of it cost
    three copies of every byte, a third of the time to fetch a million points."""

    LARGE = 1 << 16

    def __init__(self):
        self._buf = bytearray()  # small frames, and the header of the next one
        self._body = None        # the large frame being filled
        self._view = None
        self._filled = 0

    def read_from(self, sock):
        """Reads once from the socket; returns how many bytes came (0 at the end of the stream). Once
        the large frame is complete, what follows it goes to the small buffer, behind it."""
        if self._body is not None and self._filled < len(self._body):
            n = sock.recv_into(self._view[self._filled:])
            self._filled += n
            return n
        chunk = sock.recv(self.LARGE)
        self._buf += chunk
        return len(chunk)

    def frames(self):
        """Yields the body of every frame now complete, in order."""
        while True:
            if self._body is not None:
                if self._filled < len(self._body):
                    return
                body = self._body
                self._view.release()
                self._body = self._view = None
                yield body
                continue
            if len(self._buf) < 4:
                return
            size = struct.unpack_from(">I", self._buf)[0]
            if size >= self.LARGE:
                body = bytearray(size)
                have = min(size, len(self._buf) - 4)
                body[:have] = self._buf[4:4 + have]
                del self._buf[:4 + have]
                self._body, self._view, self._filled = body, memoryview(body), have
                continue
            if len(self._buf) < 4 + size:
                return
            body = bytes(self._buf[4:4 + size])
            del self._buf[:4 + size]
            yield body
