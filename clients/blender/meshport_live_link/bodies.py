"""Meshes as the bodies of ``put``s with codec ``mesh`` (docs/protocol.md section 6): a whole mesh, or an update
of the stored one with ``base`` (section 6.6) carrying only what changed. No Blender here: this runs on the
link's thread."""
import numpy

from ._client import client  # first: it says what to do when cbor2 is missing

import cbor2  # noqa: E402  (the client's own dependency)

FLOAT32_LE = 85
UINT32_LE = 70


class MeshArrays(object):
    """A mesh as flat NumPy arrays, as read from Blender.

    positions: float32, x y z per point. indices: uint32, the point of each corner (face vertex), None for a mesh
    without faces. face_counts: uint32, corners per face, None when every face is a triangle. attributes:
    ``{name: (owner, size, float32 array)}``. meta: a dict (the world matrix). name: the mesh's name.
    """
    __slots__ = ("positions", "indices", "face_counts", "attributes", "meta", "name")

    def __init__(self, positions, indices=None, face_counts=None, attributes=None, meta=None, name=None):
        self.positions = positions
        self.indices = indices
        self.face_counts = face_counts
        self.attributes = attributes or {}
        self.meta = meta
        self.name = name

    @property
    def points(self):
        return len(self.positions) // 3

    @property
    def faces(self):
        if self.indices is None:
            return 0
        return len(self.indices) // 3 if self.face_counts is None else len(self.face_counts)

    def nbytes(self):
        arrays = [self.positions, self.indices, self.face_counts] + [a[2] for a in self.attributes.values()]
        return sum(a.nbytes for a in arrays if a is not None)


def _f32(a):
    return cbor2.CBORTag(FLOAT32_LE, numpy.ascontiguousarray(a, dtype="<f4").tobytes())


def _u32(a):
    return cbor2.CBORTag(UINT32_LE, numpy.ascontiguousarray(a, dtype="<u4").tobytes())


def _attribute(owner, size, data):
    return {"owner": owner, "size": size, "type": "float", "data": _f32(data)}


def full_body(m):
    """The body of a put that stores ``m`` whole; and the names of the parts it carries."""
    body = {"positions": _f32(m.positions)}
    parts = ["positions"]
    if m.indices is not None:
        body["indices"] = _u32(m.indices)
        parts.append("indices")
        if m.face_counts is not None:
            body["faceCounts"] = _u32(m.face_counts)
            parts.append("faceCounts")
    if m.attributes:
        body["attributes"] = dict((n, _attribute(*a)) for n, a in sorted(m.attributes.items()))
        parts.extend(sorted(m.attributes))
    if m.name is not None:
        body["name"] = m.name
    if m.meta is not None:
        body["meta"] = m.meta
        parts.append("meta")
    return body, parts


def _same(a, b):
    if a is None or b is None:
        return a is b
    return a is b or (a.shape == b.shape and numpy.array_equal(a, b))


def same_topology(before, now):
    """Whether two meshes have the same points and faces (so that an update with ``base`` can carry the new one)."""
    return (before.points == now.points and _same(before.indices, now.indices)
            and _same(before.face_counts, now.face_counts))


class Update(object):
    """What a live push sends: ``body`` (None when nothing changed), ``parts`` (what it carries), ``whole``
    (a put of the whole mesh rather than an update)."""
    __slots__ = ("body", "parts", "whole")

    def __init__(self, body, parts, whole):
        self.body = body
        self.parts = parts
        self.whole = whole


def update(base, before, now):
    """What to send so that the key, holding ``before`` at version ``base``, holds ``now``: an update with
    ``base`` carrying the positions and attributes that changed (and the meta) when the topology is the same and
    no attribute went away; else the whole mesh. ``before`` None: the whole mesh."""
    if before is None or not same_topology(before, now) or set(before.attributes) - set(now.attributes):
        body, parts = full_body(now)
        return Update(body, parts, True)
    body = {"base": base}
    parts = []
    if not _same(before.positions, now.positions):
        body["positions"] = _f32(now.positions)
        parts.append("positions")
    changed = {}
    for name, (owner, size, data) in sorted(now.attributes.items()):
        old = before.attributes.get(name)
        if old is None or old[0] != owner or old[1] != size or not _same(old[2], data):
            changed[name] = _attribute(owner, size, data)
            parts.append(name)
    if changed:
        body["attributes"] = changed
    if now.meta != before.meta:
        body["meta"] = now.meta
        parts.append("meta")
    if now.name != before.name:
        body["name"] = now.name
        parts.append("name")
    return Update(body if parts else None, parts, False)


def meta_update(base, meta):
    """The body of an update that changes only the meta (an object that moved)."""
    return {"base": base, "meta": meta}


def is_conflict(error):
    return isinstance(error, client.MeshportError) and error.code == "CONFLICT"
