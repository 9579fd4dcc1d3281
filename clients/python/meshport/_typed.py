"""Typed arrays: NumPy arrays, ``array.array`` and lists to and from RFC 8746 tags, range checked.

NumPy is used when it is there; without it, ``array.array`` does the same job (half floats aside).
"""
import array
import sys

import cbor2

try:
    import numpy
except ImportError:  # the client works without it
    numpy = None

# RFC 8746 typed-array tags: (numpy dtype, array.array typecode or None, little-endian)
TAGS = {
    64: ("u1", "B", True), 72: ("i1", "b", True),
    69: ("<u2", "H", True), 65: (">u2", "H", False), 77: ("<i2", "h", True), 73: (">i2", "h", False),
    70: ("<u4", "I", True), 66: (">u4", "I", False), 78: ("<i4", "i", True), 74: (">i4", "i", False),
    71: ("<u8", "Q", True), 67: (">u8", "Q", False), 79: ("<i8", "q", True), 75: (">i8", "q", False),
    84: ("<f2", None, True), 80: (">f2", None, False),
    85: ("<f4", "f", True), 81: (">f4", "f", False), 86: ("<f8", "d", True), 82: (">f8", "d", False),
}
FLOAT32_LE, UINT32_LE, SINT32_LE = 85, 70, 78

# Without NumPy: the typecode of each tag the client writes, and the integer ranges of the integer ones.
_CODES = {FLOAT32_LE: "f", UINT32_LE: "I", SINT32_LE: "i"}
_RANGES = {"I": ("uint32", 0, (1 << 32) - 1), "i": ("int32", -(1 << 31), (1 << 31) - 1)}


def typed(values, dtype, tag, what="the array"):
    """Values as an RFC 8746 typed array of ``tag``: NumPy arrays and lists alike, converted in bulk.
    The tag holds a memoryview of the bytes, not a copy: the caller's own array when it already has
    the type and is contiguous (``_payload`` encodes it; cbor2 5 does not take memoryviews).
    Integers that the type cannot hold, or fractions where integers are due, raise ValueError:
    NumPy's conversion would wrap or truncate them silently."""
    if numpy is not None:
        src = numpy.asarray(values)
        target = numpy.dtype(dtype)
        if target.kind in "iu" and src.size:
            _check_integers(src, target, what)
        a = numpy.ascontiguousarray(src, dtype=target)
        return cbor2.CBORTag(tag, memoryview(a.reshape(-1).view(numpy.uint8)))
    code = _CODES[tag]
    if isinstance(values, array.array) and values.typecode == code:
        a = values
    else:
        if not isinstance(values, (list, tuple, array.array)):
            values = list(values)  # read once: the checks below may read it again
        try:
            a = array.array(code, values)
        except (OverflowError, TypeError):
            if code not in _RANGES:
                raise
            a = array.array(code, _integers(values, code, what))
    if sys.byteorder != "little":
        a = array.array(code, a)
        a.byteswap()
    return cbor2.CBORTag(tag, memoryview(a).cast("B"))


def _check_integers(src, target, what):
    info = numpy.iinfo(target)
    flat = src.reshape(-1)
    if src.dtype.kind == "f":
        bad = numpy.flatnonzero(~numpy.isfinite(flat) | (flat != numpy.round(flat)))
        if bad.size:
            raise ValueError("%s[%d] is %r, not an integer" % (what, bad[0], flat[bad[0]].item()))
    elif src.dtype.kind not in "iub":
        raise ValueError("%s must hold integers, not %s" % (what, src.dtype))
    if src.dtype.kind != "b":
        bad = numpy.flatnonzero((flat < info.min) | (flat > info.max))
        if bad.size:
            raise ValueError("%s[%d] is %s, outside %s's range %d..%d"
                             % (what, bad[0], flat[bad[0]].item(), target.name, info.min, info.max))


def _integers(values, code, what):
    """Without NumPy, the values that ``array.array`` refused, as the same checks as NumPy's path
    raise them; integral floats become integers, as they do with NumPy."""
    name, low, high = _RANGES[code]
    out = []
    for i, v in enumerate(values):
        if isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")) or v != int(v):
                raise ValueError("%s[%d] is %r, not an integer" % (what, i, v))
            v = int(v)
        elif not isinstance(v, int):
            raise ValueError("%s must hold integers, not %s" % (what, type(v).__name__))
        if not low <= v <= high:
            raise ValueError("%s[%d] is %s, outside %s's range %d..%d" % (what, i, v, name, low, high))
        out.append(v)
    return out


def untyped(value):
    """A typed array back as a NumPy array (or an array.array without NumPy); anything else as is."""
    if isinstance(value, cbor2.CBORTag) and value.tag in TAGS and isinstance(value.value, (bytes, bytearray)):
        dtype, code, little = TAGS[value.tag]
        if numpy is not None:
            return numpy.frombuffer(value.value, dtype=numpy.dtype(dtype))
        if code is None:
            raise ValueError("half-precision typed arrays need NumPy")
        a = array.array(code)
        a.frombytes(value.value)
        if little != (sys.byteorder == "little"):
            a.byteswap()
        return a
    return value


def shaped(a, width):
    """A NumPy array as rows of ``width`` (points of 3 floats, say); other arrays stay flat."""
    if numpy is not None and isinstance(a, numpy.ndarray) and width > 1:
        return a.reshape(-1, width)
    return a


def plain(value):
    """A decoded CBOR value with its typed arrays turned into arrays, recursively."""
    value = untyped(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def is_integer_array(data):
    """Whether ``data`` (a NumPy array, an array.array or a sequence) holds only integers; a sequence
    comes back as a list, read once."""
    if numpy is not None and isinstance(data, numpy.ndarray):
        return numpy.issubdtype(data.dtype, numpy.integer), data
    if isinstance(data, array.array):
        return data.typecode in "bBhHiIlLqQ", data
    data = list(data)
    return all(isinstance(v, int) and not isinstance(v, bool) for v in data), data
