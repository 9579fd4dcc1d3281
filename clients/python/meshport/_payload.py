"""Payloads: the bytes a put hands its codec (protocol section 5), held as a list of buffers, so that
large arrays are not copied to measure them, to frame them or to cut them into an upload's pieces."""
import bisect

import cbor2

from ._frames import head

# Byte strings from this size on stay views of their own; smaller ones are copied in with their neighbours.
VIEWED = 1 << 16
# Lists and tuples up to this length are walked (they may hold typed arrays); longer ones go to cbor2 whole.
WALKED = 64
BUFFERS = (bytes, bytearray, memoryview)


class Payload(object):
    """The bytes a put hands its codec: a byte-string value's own bytes (``raw``), or else the value
    encoded as one CBOR item. ``parts``: buffers of bytes (``bytes``, or flat ``memoryview``\\ s of the
    caller's arrays, not copied), ``size``: their total length."""

    def __init__(self, parts, raw):
        self.parts = [p for p in parts if len(p)]
        self.raw = raw
        self._starts = []
        size = 0
        for p in self.parts:
            self._starts.append(size)
            size += len(p)
        self.size = size

    def body(self):
        """A put's ``body`` encoded, as buffers: the item itself, or a byte string holding the raw bytes."""
        return [head(2, self.size)] + self.parts if self.raw else list(self.parts)

    def piece(self, offset, n):
        """The bytes ``[offset, offset + n)`` as views of the parts, nothing copied."""
        if offset < 0 or n < 0 or offset + n > self.size:
            raise ValueError("bytes %d..%d are not in a payload of %d" % (offset, offset + n, self.size))
        out = []
        i = bisect.bisect_right(self._starts, offset) - 1
        while n > 0:
            p = self.parts[i]
            start = offset - self._starts[i]
            take = min(n, len(p) - start)
            out.append(memoryview(p)[start:start + take])
            offset += take
            n -= take
            i += 1
        return out


def payload_of(value, codec):
    """The payload of a put of ``value`` with ``codec``: bytes, a bytearray or a memoryview as they are
    (and, for codec ``bytes``, tag 64 over one), anything else encoded as CBOR."""
    if isinstance(value, BUFFERS):
        return Payload([flat(value)], raw=True)
    if codec == "bytes" and isinstance(value, cbor2.CBORTag) and value.tag == 64 and isinstance(value.value, BUFFERS):
        return Payload([flat(value.value)], raw=True)
    return Payload(encode(value), raw=False)


def flat(b):
    """A buffer as bytes (a flat memoryview of bytes, or the bytes themselves), not copied when it can be."""
    if isinstance(b, bytes):
        return b
    m = memoryview(b)
    if m.format == "B" and m.ndim == 1:
        return m
    try:
        return m.cast("B")
    except TypeError:  # not contiguous
        return m.tobytes()


def encode(item):
    """``item`` as CBOR, as cbor2 writes it, in a list of buffers: the byte strings of ``VIEWED`` bytes
    or more inside maps, tags and short lists (a mesh's typed arrays) are views, not copies; the rest is
    written by cbor2 and copied together."""
    w = _Writer()
    _walk(item, w)
    return w.done()


def _walk(x, w):
    t = type(x)
    if t is dict:
        w.small(head(5, len(x)))
        for k, v in x.items():
            _walk(k, w)
            _walk(v, w)
    elif (t is list or t is tuple) and len(x) <= WALKED:
        w.small(head(4, len(x)))
        for v in x:
            _walk(v, w)
    elif t is cbor2.CBORTag:
        w.small(head(6, x.tag))
        _walk(x.value, w)
    elif t is bytearray or t is memoryview or (t is bytes and len(x) >= VIEWED):
        b = flat(x)
        w.small(head(2, len(b)))
        w.view(b)
    else:
        w.small(cbor2.dumps(x))


class _Writer(object):
    """Collects an item's encoding: small pieces copied together, large byte strings kept as views."""

    def __init__(self):
        self.parts = []
        self._small = bytearray()

    def small(self, b):
        self._small += b

    def view(self, b):
        if len(b) < VIEWED:
            self._small += b
            return
        if self._small:
            self.parts.append(bytes(self._small))
            self._small = bytearray()
        self.parts.append(b)

    def done(self):
        if self._small:
            self.parts.append(bytes(self._small))
        return self.parts
