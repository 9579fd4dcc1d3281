"""Session keys for Blender objects, and objects for session keys (docs/protocol.md section 4.2)."""
import re

_KEY = re.compile(r"[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")
_NOT_IN_SEGMENT = re.compile(r"[^A-Za-z0-9_.\-]")
MAX_KEY_BYTES = 256


def check_key(key):
    """``key`` if it is a valid session key, else ValueError saying what is wrong."""
    if not isinstance(key, str) or not key:
        raise ValueError("a key is needed, e.g. 'geo/scan'")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError("the key %r is longer than %d bytes" % (key[:40] + "...", MAX_KEY_BYTES))
    if not _KEY.fullmatch(key):
        bad = _NOT_IN_SEGMENT.search(key.replace("/", ""))
        what = ("the character %r" % bad.group()) if bad else "an empty segment"
        raise ValueError("%r is not a session key: it has %s (keys are segments of A-Z a-z 0-9 _ . - separated by /)"
                         % (key, what))
    for segment in key.split("/"):
        if segment in (".", ".."):
            raise ValueError("%r is not a session key: a segment may not be %r" % (key, segment))
    return key


def segment(name):
    """An object's name as one key segment: characters a key cannot hold become ``_`` ("My Cube" is "My_Cube")."""
    s = _NOT_IN_SEGMENT.sub("_", name) or "_"
    return "_" * len(s) if s in (".", "..") else s


def key_for(prefix, name):
    """The key an object named ``name`` is pushed to under ``prefix`` ("blender/" and "Cube" give "blender/Cube")."""
    return check_key(prefix + segment(name))


def last_segment(key):
    """The name of the object a key is pulled into: its last segment ("geo/scan" gives "scan")."""
    return key.rsplit("/", 1)[-1]
