"""Meshes as the ``mesh`` codec's bodies: dicts of arrays out, typed-array maps back into dicts."""
from . import _typed
from ._typed import FLOAT32_LE, SINT32_LE, UINT32_LE, typed


def mesh_body(positions, indices=None, face_counts=None, attributes=None, name=None):
    """The body of a put with codec ``mesh`` (see ``Connection.put_mesh``), its arrays typed."""
    body = {"positions": typed(positions, "<f4", FLOAT32_LE)}
    if indices is not None:
        body["indices"] = typed(indices, "<u4", UINT32_LE, "indices")
    if face_counts is not None:
        body["faceCounts"] = typed(face_counts, "<u4", UINT32_LE, "face_counts")
    if attributes:
        body["attributes"] = {n: attribute(n, a) for n, a in attributes.items()}
    if name is not None:
        body["name"] = name
    return body


def positions_update(base, positions):
    """The body of a positions-only update of the mesh at version ``base``."""
    return {"base": base, "positions": typed(positions, "<f4", FLOAT32_LE)}


def attribute(name, a):
    """An attribute given as ``(owner, size, data)`` or as a dict, with its data typed: ints stay ints."""
    if isinstance(a, dict):
        owner, size, data = a["owner"], a.get("size", 1), a["data"]
    else:
        owner, size, data = a
    is_int, data = _typed.is_integer_array(data)
    if is_int:
        return {"owner": owner, "size": size, "type": "int", "data": typed(data, "<i4", SINT32_LE, "attributes[%r]" % name)}
    return {"owner": owner, "size": size, "type": "float", "data": typed(data, "<f4", FLOAT32_LE)}


def mesh_of(entry):
    """A mesh dict from a ``get`` result (or a bare mesh body, as a call returns it): positions and
    attributes shaped by tuple size, the entry's version added."""
    body = entry["body"] if "body" in entry else entry
    out = dict(body)
    out["positions"] = _typed.shaped(body["positions"], 3)
    for a in (out.get("attributes") or {}).values():
        a["data"] = _typed.shaped(a["data"], a.get("size", 1))
    if "version" in entry:
        out["version"] = entry["version"]
    return out
