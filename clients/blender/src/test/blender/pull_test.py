"""meshport.pull: a key put by another program (the checkout's client) becomes an object named after its last
segment, with its faces (n-gons), UVs, colours and the world matrix of its meta; pulled again it is updated in
place, or rebuilt when its faces changed; a point cloud is points; a missing key is an error that says so."""
import os
import sys

import bpy
import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import args, check, close, install_addon, positions, raises, raw, say  # noqa: E402

live_link = install_addon()
bpy.ops.meshport.connect(host="127.0.0.1", port=args.port)

# A 3 x 3 grid of points: two quads and an n-gon of six corners.
points = numpy.array([[x, y, 0.5 * x * y] for y in range(3) for x in range(3)], numpy.float32)
faces = [[0, 1, 4, 3], [1, 2, 5, 4], [3, 4, 5, 8, 7, 6]]
indices = [i for f in faces for i in f]
counts = [len(f) for f in faces]
uv = (points[:, :2] / 2.0).astype(numpy.float32)             # per point: spread onto the corners
cd = numpy.array([[i / 8.0, 0.5, 1 - i / 8.0] for i in range(9)], numpy.float32)  # per point
corner_cd = numpy.array([[0.1 * (i % 7), 0.2, 0.3] for i in range(len(indices))], numpy.float32)
matrix = [1, 0, 0, 5,  0, 1, 0, 6,  0, 0, 1, 7,  0, 0, 0, 1]

with raw() as conn:
    conn.put_mesh("it/pull/grid/Panel", points, indices, face_counts=counts,
                  attributes={"uv": ("point", 2, uv), "Cd": ("point", 3, cd)})
    # meta is not a parameter of put_mesh: an update with base sets it (section 6.6)
    version = conn.get("it/pull/grid/Panel")["version"]
    conn.put("it/pull/grid/Panel", {"base": version, "meta": {"matrixWorld": matrix}}, codec="mesh")

bpy.ops.meshport.pull(key="it/pull/grid/Panel")
panel = bpy.data.objects["Panel"]
me = panel.data
check(close(positions(panel), points), "positions: %r", positions(panel))
got = numpy.empty(len(me.polygons), numpy.int32)
me.polygons.foreach_get("loop_total", got)
check(list(got) == counts, "faces: %r", list(got))
corners = numpy.empty(len(me.loops), numpy.int32)
me.loops.foreach_get("vertex_index", corners)
check(list(corners) == indices, "corners: %r", list(corners))
uv_got = numpy.empty(len(me.loops) * 2, numpy.float32)
me.uv_layers.active.data.foreach_get("uv", uv_got)
check(close(uv_got.reshape(-1, 2), uv[indices]), "uv per corner from uv per point: %r", uv_got)
colour = me.color_attributes.active_color
check(colour is not None and colour.name == "Cd" and colour.domain == 'POINT', "a colour attribute Cd per point: %r", colour)
rgba = numpy.empty(len(me.vertices) * 4, numpy.float32)
colour.data.foreach_get("color", rgba)
check(close(rgba.reshape(-1, 4)[:, :3], cd), "colours: %r", rgba)
check(close([v for row in panel.matrix_world for v in row], matrix), "placed by meta: %r", panel.matrix_world)
check(panel["meshport_key"] == "it/pull/grid/Panel", "linked: %r", panel.get("meshport_key"))

# New positions only: the same object and mesh, updated in place; per-corner colours this time.
mesh_before = me
with raw() as conn:
    v = conn.get("it/pull/grid/Panel")["version"]
    conn.update_positions("it/pull/grid/Panel", v, points + 1)
    v = conn.get("it/pull/grid/Panel")["version"]
    conn.put("it/pull/grid/Panel", {"base": v, "attributes": {
        "Cd": {"owner": "vertex", "size": 3, "data": corner_cd.ravel().tolist()}}}, codec="mesh")
bpy.ops.meshport.pull(key="it/pull/grid/Panel")
check(bpy.data.objects["Panel"].data == mesh_before and "Panel.001" not in bpy.data.objects, "the same object, in place")
check(close(positions(panel), points + 1), "moved: %r", positions(panel))
colour = panel.data.color_attributes.active_color
check(colour.name == "Cd" and colour.domain == 'CORNER', "Cd per corner now: %r", colour.domain)
rgba = numpy.empty(len(panel.data.loops) * 4, numpy.float32)
colour.data.foreach_get("color", rgba)
check(close(rgba.reshape(-1, 4)[:, :3], corner_cd), "corner colours: %r", rgba)

# Other faces: rebuilt, still the same object. Triangles this time (no faceCounts), flat shading from N.
tri_points = numpy.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], numpy.float32)
tris = [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]
with raw() as conn:
    flat = []
    for t in range(4):
        a, b, c = tri_points[tris[3 * t:3 * t + 3]]
        n = numpy.cross(b - a, c - a)
        flat += [n / numpy.linalg.norm(n)] * 3
    face_cd = numpy.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], numpy.float32)
    conn.put_mesh("it/pull/grid/Panel", tri_points, tris, attributes={"N": ("vertex", 3, numpy.array(flat, numpy.float32)),
                                                                      "Cd": ("face", 3, face_cd)})
bpy.ops.meshport.pull(key="it/pull/grid/Panel")
check(len(panel.data.polygons) == 4 and len(panel.data.vertices) == 4, "rebuilt: %d faces", len(panel.data.polygons))
smooth = numpy.empty(4, bool)
panel.data.polygons.foreach_get("use_smooth", smooth)
check(not smooth.any(), "faces whose corners share one normal are flat: %r", smooth)
colour = panel.data.color_attributes.active_color
rgba = numpy.empty(len(panel.data.loops) * 4, numpy.float32)
colour.data.foreach_get("color", rgba)
check(colour.domain == 'CORNER' and close(rgba.reshape(-1, 4)[:, :3], numpy.repeat(face_cd, 3, axis=0)),
      "a colour per face onto its corners: %r", rgba)

# A point cloud is points.
with raw() as conn:
    conn.put_mesh("it/pull/Cloud", numpy.random.default_rng(1).random((50, 3)).astype(numpy.float32))
bpy.ops.meshport.pull(key="it/pull/Cloud")
cloud = bpy.data.objects["Cloud"]
check(len(cloud.data.vertices) == 50 and len(cloud.data.polygons) == 0, "a point cloud: %d points", len(cloud.data.vertices))

# An object of that name that is linked to another key is left alone: the key gets an object of its own.
with raw() as conn:
    conn.put_mesh("it/other/Cloud", [0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2])
bpy.ops.meshport.pull(key="it/other/Cloud")
check(len(cloud.data.vertices) == 50, "the first Cloud kept its points")
other = [o for o in bpy.data.objects if o.get("meshport_key") == "it/other/Cloud"]
check(len(other) == 1 and other[0].name.startswith("Cloud.") and len(other[0].data.polygons) == 1,
      "another object for the other key: %r", [o.name for o in other])

raises(lambda: bpy.ops.meshport.pull(key="it/pull/missing"), "could not pull it/pull/missing", "NOT_FOUND")
raises(lambda: bpy.ops.meshport.pull(key="it/pull/bad key"), "not a session key", "' '")
with raw() as conn:
    conn.put("it/pull/notes", {"text": "not a mesh"})
raises(lambda: bpy.ops.meshport.pull(key="it/pull/notes"), "could not pull it/pull/notes", "NO_CODEC")
bpy.ops.meshport.disconnect()
say("pull verified")
