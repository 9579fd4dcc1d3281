"""Blender meshes to arrays and back, with ``foreach_get``/``foreach_set`` and NumPy only: no Python loop runs
per point, corner or face. Main thread only (this is the one module that reads and writes Blender's meshes).

Pushed: the evaluated mesh (modifiers applied) in object space; points are the vertices, faces the polygons as
they are (n-gons kept: ``faceCounts``), ``N`` the corner normals (custom and auto-smooth split normals
included), ``uv`` the active UV map per corner, ``Cd`` (and ``Alpha`` when not opaque) the active colour
attribute, per point or per corner as it is stored, in scene linear colour; ``meta`` holds the world matrix.
Pulled: points, faces, ``uv``, ``Cd``/``Alpha``; ``N`` decides which faces are shaded smooth; the world matrix
from ``meta`` when it has one.
"""
import bpy
import numpy
from mathutils import Matrix

from . import keys
from .bodies import MeshArrays

KEY_PROPERTY = "meshport_key"
VERSION_PROPERTY = "meshport_version"
COLOUR_NAME = "Cd"
UV_NAME = "UVMap"


# ---------------------------------------------------------------------- push: Blender to arrays

def extract(ob, depsgraph):
    """The evaluated mesh of a mesh object as ``MeshArrays`` (see the module's doc)."""
    ob_eval = ob.evaluated_get(depsgraph)
    # In edit mode the evaluated object's data is an empty wrapper of the edit mesh; to_mesh() reads it.
    editing = ob.mode == 'EDIT'
    me = ob_eval.to_mesh() if editing else ob_eval.data
    try:
        return _read(me, ob)
    finally:
        if editing:
            ob_eval.to_mesh_clear()


def meta_of(ob):
    """The meta a pushed object carries: its world matrix, rows of four (Blender's convention: translation in
    the last column), and its name."""
    return {"matrixWorld": [float(v) for row in ob.matrix_world for v in row], "object": ob.name, "source": "blender"}


def _read(me, ob):
    points, corners, faces = len(me.vertices), len(me.loops), len(me.polygons)
    # uint32: these integer properties take Blender's bulk copy with 4-byte unsigned buffers, and its slow
    # item-by-item path with int32 (0.18 s against 0.015 s for 3,000,000 corners in Blender 3.4).
    positions = numpy.empty(points * 3, numpy.float32)
    me.vertices.foreach_get("co", positions)
    attributes = {}
    indices = face_counts = None
    if faces:
        indices = numpy.empty(corners, numpy.uint32)
        me.loops.foreach_get("vertex_index", indices)
        counts = numpy.empty(faces, numpy.uint32)
        me.polygons.foreach_get("loop_total", counts)
        face_counts = None if (counts == 3).all() else counts
        me.calc_normals_split()
        normals = numpy.empty(corners * 3, numpy.float32)
        me.loops.foreach_get("normal", normals)
        me.free_normals_split()
        attributes["N"] = ("vertex", 3, normals)
        uv_layer = me.uv_layers.active
        if uv_layer is not None:
            uv = numpy.empty(corners * 2, numpy.float32)
            uv_layer.data.foreach_get("uv", uv)
            attributes["uv"] = ("vertex", 2, uv)
    colour = _active_colour(me, ob)
    if colour is not None and (colour.domain == 'POINT' or faces):
        owner, count = ("point", points) if colour.domain == 'POINT' else ("vertex", corners)
        rgba = numpy.empty(count * 4, numpy.float32)
        colour.data.foreach_get("color", rgba)
        rgba = rgba.reshape(-1, 4)
        attributes[COLOUR_NAME] = (owner, 3, numpy.ascontiguousarray(rgba[:, :3]).reshape(-1))
        alpha = numpy.ascontiguousarray(rgba[:, 3])
        if (alpha != 1.0).any():
            attributes["Alpha"] = (owner, 1, alpha)
    return MeshArrays(positions, indices, face_counts, attributes, meta_of(ob), ob.name)


def _active_colour(me, ob):
    """The colour attribute to send as Cd: the original mesh's active one, as the evaluated mesh has it."""
    active = ob.data.color_attributes.active_color if ob.data is not None else None
    if active is None:
        return None
    found = me.color_attributes.get(active.name)
    if found is None or found.domain not in ('POINT', 'CORNER'):
        return None
    return found


# ---------------------------------------------------------------------- pull: arrays to Blender

class EditModeError(RuntimeError):
    """The object a key is pulled into is in edit mode, where its mesh cannot be written."""


def find_object(key):
    """The mesh object a key is pulled into: the one linked to it (``meshport_key``), else an unlinked mesh object
    named after the key's last segment; None when there is none (a new one is made)."""
    for ob in bpy.data.objects:
        if ob.type == 'MESH' and ob.get(KEY_PROPERTY) == key:
            return ob
    ob = bpy.data.objects.get(keys.last_segment(key))
    if ob is not None and ob.type == 'MESH' and ob.get(KEY_PROPERTY) in (None, key):
        return ob
    return None


def apply(key, mesh, collection):
    """Creates or updates the object for ``key`` from a mesh as the client's ``get_mesh`` gives it. Returns
    ``(object, how)``, ``how`` being "created", "rebuilt" (other faces) or "updated" (the same faces, in place)."""
    name = keys.last_segment(key)
    ob = find_object(key)
    if ob is not None and ob.mode == 'EDIT':
        raise EditModeError("%s is in edit mode: leave it to pull %s into it" % (ob.name, key))
    how = "updated"
    if ob is None:
        ob = bpy.data.objects.new(name, bpy.data.meshes.new(name))
        collection.objects.link(ob)
        how = "created"
    me = ob.data
    positions = numpy.ascontiguousarray(mesh["positions"], numpy.float32).reshape(-1)
    points = len(positions) // 3
    indices = mesh.get("indices")
    counts = mesh.get("faceCounts")
    if indices is not None:
        indices = numpy.ascontiguousarray(indices, numpy.uint32).reshape(-1)
        if counts is None:
            counts = numpy.full(len(indices) // 3, 3, numpy.uint32)
        counts = numpy.ascontiguousarray(counts, numpy.uint32).reshape(-1)
    if _same_topology(me, points, indices, counts):
        me.vertices.foreach_set("co", positions)
    else:
        _rebuild(me, positions, indices, counts)
        if how == "updated":
            how = "rebuilt"
    starts = None
    if indices is not None and len(counts):
        starts = numpy.zeros(len(counts), numpy.uint32)
        numpy.cumsum(counts[:-1], out=starts[1:])
    attributes = mesh.get("attributes") or {}
    if starts is not None:
        _apply_uv(me, attributes.get("uv"), indices, counts)
        _apply_shading(me, attributes.get("N"), indices, counts, starts)
    _apply_colour(me, attributes.get(COLOUR_NAME), attributes.get("Alpha"), indices, counts)
    me.update()
    meta = mesh.get("meta")
    matrix = _matrix(meta.get("matrixWorld")) if isinstance(meta, dict) else None
    if matrix is not None:
        ob.matrix_world = matrix
    ob[KEY_PROPERTY] = key
    ob[VERSION_PROPERTY] = int(mesh.get("version", 0))
    return ob, how


def _same_topology(me, points, indices, counts):
    if len(me.vertices) != points:
        return False
    if indices is None:
        return len(me.loops) == 0
    if len(me.loops) != len(indices) or len(me.polygons) != len(counts):
        return False
    have = numpy.empty(len(indices), numpy.uint32)
    me.loops.foreach_get("vertex_index", have)
    if not numpy.array_equal(have, indices):
        return False
    have = numpy.empty(len(counts), numpy.uint32)
    me.polygons.foreach_get("loop_total", have)
    return numpy.array_equal(have, counts)


def _rebuild(me, positions, indices, counts):
    me.clear_geometry()
    me.vertices.add(len(positions) // 3)
    me.vertices.foreach_set("co", positions)
    if indices is not None and len(counts):
        starts = numpy.zeros(len(counts), numpy.uint32)
        numpy.cumsum(counts[:-1], out=starts[1:])
        me.loops.add(len(indices))
        me.loops.foreach_set("vertex_index", indices)
        me.polygons.add(len(counts))
        me.polygons.foreach_set("loop_start", starts)
        me.polygons.foreach_set("loop_total", counts)
        me.update(calc_edges=True)
        if _has_repeated_corner(indices, counts, starts):
            me.validate(clean_customdata=False)  # Blender's meshes may not have a face that repeats a point
    else:
        me.update()


def _has_repeated_corner(indices, counts, starts):
    """Whether some face has the same point at two corners in a row (the host allows it, Blender does not)."""
    following = numpy.arange(1, len(indices) + 1, dtype=numpy.int64)
    ends = starts.astype(numpy.int64) + counts
    following[ends - 1] = starts  # the last corner of each face is followed by its first
    return bool((indices == indices[following]).any())


def _per_corner(attribute, indices, counts, size):
    """An attribute's tuples (the first ``size`` numbers of each) per corner, whatever it belongs to; None for
    a detail attribute or one with fewer numbers than ``size``."""
    if attribute is None or int(attribute.get("size", 1)) < size:
        return None
    data = numpy.asarray(attribute["data"], numpy.float32).reshape(-1, int(attribute.get("size", 1)))[:, :size]
    owner = attribute.get("owner")
    if owner == "vertex":
        return data
    if owner == "point":
        return data[indices]
    if owner == "face":
        return numpy.repeat(data, counts, axis=0)
    return None


def _apply_uv(me, attribute, indices, counts):
    uv = _per_corner(attribute, indices, counts, 2)
    if uv is None:
        return
    layer = me.uv_layers.active or me.uv_layers.new(name=UV_NAME)
    layer.data.foreach_set("uv", numpy.ascontiguousarray(uv, numpy.float32).reshape(-1))


def _apply_shading(me, attribute, indices, counts, starts):
    """Faces whose corners carry different normals are shaded smooth, the others flat: a mesh pushed from
    Blender comes back shaded as it was."""
    if attribute is None or int(attribute.get("size", 1)) != 3 or attribute.get("owner") not in ("point", "vertex", "face"):
        return
    if attribute["owner"] == "point":
        smooth = numpy.ones(len(counts), bool)
    elif attribute["owner"] == "face":
        smooth = numpy.zeros(len(counts), bool)
    else:
        normals = numpy.asarray(attribute["data"], numpy.float32).reshape(-1, 3)
        spread = normals - numpy.repeat(normals[starts], counts, axis=0)  # each corner against its face's first
        numpy.abs(spread, out=spread)
        smooth = numpy.maximum.reduceat(spread.reshape(-1), starts.astype(numpy.int64) * 3) > 1e-4
    me.polygons.foreach_set("use_smooth", smooth)


def _apply_colour(me, colour, alpha, indices, counts):
    if colour is None or int(colour.get("size", 1)) < 3 or colour.get("owner") == "detail":
        return
    owner = colour["owner"]
    if owner in ("vertex", "face") and indices is None:
        return
    domain = 'POINT' if owner == "point" else 'CORNER'
    if owner == "point":
        rgb = numpy.asarray(colour["data"], numpy.float32).reshape(-1, int(colour["size"]))
    else:
        rgb = _per_corner(colour, indices, counts, int(colour["size"]))
    rgba = numpy.ones((len(rgb), 4), numpy.float32)
    rgba[:, :min(4, rgb.shape[1])] = rgb[:, :4]
    if alpha is not None and int(alpha.get("size", 1)) == 1:
        if domain == 'POINT':
            a = numpy.asarray(alpha["data"], numpy.float32).reshape(-1, 1) if alpha.get("owner") == "point" else None
        else:
            a = _per_corner(alpha, indices, counts, 1)
        if a is not None and len(a) == len(rgba):
            rgba[:, 3] = a[:, 0]
    existing = me.color_attributes.get(COLOUR_NAME)
    if existing is not None and (existing.domain != domain or existing.data_type != 'FLOAT_COLOR'):
        me.color_attributes.remove(existing)
        existing = None
    target = existing or me.color_attributes.new(COLOUR_NAME, 'FLOAT_COLOR', domain)
    target.data.foreach_set("color", rgba.reshape(-1))
    me.color_attributes.active_color = target
    for i, a in enumerate(me.color_attributes):
        if a.name == COLOUR_NAME:
            me.color_attributes.render_color_index = i
            break


def _matrix(values):
    if not isinstance(values, (list, tuple)) or len(values) != 16:
        return None
    try:
        rows = [[float(v) for v in values[i:i + 4]] for i in range(0, 16, 4)]
    except (TypeError, ValueError):
        return None
    if not all(numpy.isfinite(rows).ravel()):
        return None
    return Matrix(rows)
