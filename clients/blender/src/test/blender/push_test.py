"""meshport.connect and meshport.push: n-gons, corner normals, UVs, colours, modifiers applied, the world matrix in
meta; each checked by reading the key back with the checkout's client. BlenderIT then reads them with the Java
client."""
import os
import sys
import time

import bpy
import numpy
from mathutils import Euler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import args, check, close, install_addon, mesh_object, raises, raw, say, select_only  # noqa: E402

live_link = install_addon()
say("client from", live_link._client.client.__file__)

# Nothing listens on a port the host is not on: the operator fails at once, saying so.
t = time.monotonic()
raises(lambda: bpy.ops.meshport.connect(host="127.0.0.1", port=1), "cannot reach a Meshport host at 127.0.0.1:1")
say("unreachable refused in %.2f s" % (time.monotonic() - t))
raises(lambda: bpy.ops.meshport.push(), "not connected")

bpy.ops.meshport.connect(host="127.0.0.1", port=args.port)
check(live_link.status()["state"] == "connected", "connected: %r", live_link.status())

# A pentagon, a quad and a triangle, flat shaded, placed in the world; UVs per corner; a colour per point,
# one of them half transparent.
ngons = mesh_object("Ngons", [(0, 0, 0), (2, 0, 0), (3, 1, 0), (1, 2, 0), (-1, 1, 0),
                              (2, -2, 0), (0, -2, 0), (4, -1, 1)],
                    [(0, 1, 2, 3, 4), (0, 6, 5, 1), (1, 5, 7)])
ngons.location = (1, 2, 3)
ngons.rotation_euler = Euler((0.3, 0.2, 0.1))
ngons.scale = (2, 2, 2)
uv_layer = ngons.data.uv_layers.new(name="UVMap")
corner_uv = numpy.arange(24, dtype=numpy.float32) / 24.0
uv_layer.data.foreach_set("uv", corner_uv)
colour = ngons.data.color_attributes.new("Col", 'FLOAT_COLOR', 'POINT')
rgba = numpy.array([[i / 8.0, 1 - i / 8.0, 0.25, 1.0] for i in range(8)], numpy.float32)
rgba[3, 3] = 0.5
colour.data.foreach_set("color", rgba.ravel())
ngons.data.color_attributes.active_color = colour

# A smooth sphere: its corner normals point away from its centre.
bpy.ops.mesh.primitive_uv_sphere_add(segments=24, ring_count=12, radius=1.0)
sphere = bpy.context.active_object
sphere.name = "Smooth Sphere"
bpy.ops.object.shade_smooth()

# A cube with an array modifier: three cubes go, with a colour per corner (bytes in Blender).
bpy.ops.mesh.primitive_cube_add(size=1.0)
arrayed = bpy.context.active_object
arrayed.name = "Arrayed"
modifier = arrayed.modifiers.new("three", 'ARRAY')
modifier.count = 3
corner_colour = arrayed.data.color_attributes.new("Paint", 'BYTE_COLOR', 'CORNER')
paint = numpy.ones((24, 4), numpy.float32)
paint[:, 0] = numpy.arange(24) / 23.0  # stored as bytes: read back within a byte's step
paint[:, 2] = 0.5
corner_colour.data.foreach_set("color", paint.ravel())
arrayed.data.color_attributes.active_color = corner_colour

select_only(ngons, sphere, arrayed)
bpy.ops.meshport.push(prefix="it/push/")
check(ngons.get("meshport_key") == "it/push/Ngons", "linked: %r", ngons.get("meshport_key"))
check(sphere.get("meshport_key") == "it/push/Smooth_Sphere", "a name with a space: %r", sphere.get("meshport_key"))

with raw() as conn:
    m = conn.get_mesh("it/push/Ngons")
    check(close(m["positions"], [(0, 0, 0), (2, 0, 0), (3, 1, 0), (1, 2, 0), (-1, 1, 0), (2, -2, 0), (0, -2, 0), (4, -1, 1)]),
          "object-space positions: %r", m["positions"])
    check(list(m["faceCounts"]) == [5, 4, 3], "n-gons kept: %r", m.get("faceCounts"))
    check(list(m["indices"]) == [0, 1, 2, 3, 4, 0, 6, 5, 1, 1, 5, 7], "corners: %r", m["indices"])
    a = m["attributes"]
    check(sorted(a) == ["Alpha", "Cd", "N", "uv"], "attributes: %r", sorted(a))
    check(a["N"]["owner"] == "vertex" and a["uv"]["owner"] == "vertex", "N and uv per corner: %r", a)
    # Flat faces: each corner carries its face's normal, computed here from the points.
    p = numpy.asarray(m["positions"], numpy.float64)
    expected = []
    for face in ([0, 1, 2, 3, 4], [0, 6, 5, 1], [1, 5, 7]):
        n = numpy.cross(p[face[1]] - p[face[0]], p[face[2]] - p[face[0]])
        expected += [n / numpy.linalg.norm(n)] * len(face)
    check(close(a["N"]["data"], expected, 1e-5), "corner normals %r, expected %r", a["N"]["data"], expected)
    check(close(a["uv"]["data"].reshape(-1), corner_uv), "uv per corner: %r", a["uv"]["data"])
    check(a["Cd"]["owner"] == "point" and close(a["Cd"]["data"], rgba[:, :3]), "Cd per point: %r", a["Cd"])
    check(close(a["Alpha"]["data"].reshape(-1), rgba[:, 3]), "Alpha: %r", a["Alpha"])
    matrix = [v for row in ngons.matrix_world for v in row]
    check(close(m["meta"]["matrixWorld"], matrix, 1e-6), "the world matrix in meta: %r", m["meta"])
    check(m.get("name") == "Ngons", "name: %r", m.get("name"))

    s = conn.get_mesh("it/push/Smooth_Sphere")
    corners = s["positions"][s["indices"]]
    radial = corners / numpy.linalg.norm(corners, axis=1)[:, None]
    check("faceCounts" in s, "a UV sphere has quads and triangles")
    check(close(s["attributes"]["N"]["data"], radial, 2e-2), "smooth normals point outwards")
    check(numpy.abs(numpy.linalg.norm(s["attributes"]["N"]["data"], axis=1) - 1).max() < 1e-5, "unit normals")

    c = conn.get_mesh("it/push/Arrayed")
    check(len(c["positions"]) == 24 and len(c["faceCounts"]) == 18, "the array modifier applied: %d points, %d faces",
          len(c["positions"]), len(c.get("faceCounts", ())))
    check(c["attributes"]["Cd"]["owner"] == "vertex" and close(c["attributes"]["Cd"]["data"], numpy.tile(paint[:, :3], (3, 1)), 0.02),
          "Cd per corner, the cube's colours three times: %r", c["attributes"]["Cd"])
    check("Alpha" not in c["attributes"], "no Alpha for opaque colours")
    xs = c["positions"][:, 0]
    check(close([xs.min(), xs.max()], [-0.5, 2.5]), "three cubes side by side: x from %s to %s", xs.min(), xs.max())

# A second push of the same objects stores them again, whole.
version = ngons["meshport_version"]
select_only(ngons)
bpy.ops.meshport.push(prefix="it/push/")
check(ngons["meshport_version"] > version, "pushed again: %r after %r", ngons["meshport_version"], version)

raises(lambda: bpy.ops.meshport.push(prefix="it//"), "not a session key")
select_only()
raises(lambda: bpy.ops.meshport.push(), "select one or more mesh objects")
bpy.ops.meshport.disconnect()
check(live_link.status()["state"] == "closed", "closed: %r", live_link.status())
say("push verified")
