"""scene.meshport.live_pull_prefix, driven by sync_now(): another program's puts under the prefix become objects,
its updates move them in place; values under the prefix that are not meshes are passed over; keys elsewhere are
not pulled. With live push on as well, a pulled object is not pushed back, and an edit of it goes to its key as an
update of the version pulled."""
import os
import sys

import bmesh
import bpy
import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import args, check, close, install_addon, positions, raises, raw, say, until  # noqa: E402

live_link = install_addon()
bpy.ops.meshport.connect(host="127.0.0.1", port=args.port)
settings = bpy.context.scene.meshport
settings.live_pull_prefix = "it/livepull/"
until("the live pull watches", lambda: live_link.status()["watching"] == "it/livepull/")
conn = raw()

points = numpy.array([[0, 0, 0], [2, 0, 0], [3, 1, 0], [1, 2, 0], [-1, 1, 0]], numpy.float32)
cd = numpy.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]], numpy.float32)
conn.put("it/livepull/notes", {"text": "not a mesh"})
conn.put_mesh("it/elsewhere/Stranger", points, [0, 1, 2])
r = conn.put_mesh("it/livepull/Blob", points, [0, 1, 2, 3, 4], face_counts=[5], attributes={"Cd": ("point", 3, cd)})
applied = []


def arrived(key):
    def step():
        s = live_link.sync_now(timeout=10.0)
        check(s["errors"] == [], "errors: %r", s["errors"])
        applied.extend(a for a in s["applied"] if a["key"] == key)
    return step


until("Blob pulled", lambda: applied, step=arrived("it/livepull/Blob"))
check(applied[-1]["version"] == r["version"] and applied[-1]["how"] == "created", "created: %r", applied)
blob = bpy.data.objects["Blob"]
check(close(positions(blob), points) and len(blob.data.polygons) == 1 and blob.data.polygons[0].loop_total == 5,
      "a pentagon: %r", positions(blob))
rgba = numpy.empty(5 * 4, numpy.float32)
blob.data.color_attributes["Cd"].data.foreach_get("color", rgba)
check(close(rgba.reshape(-1, 4)[:, :3], cd), "its colours: %r", rgba)
check("Stranger" not in bpy.data.objects and "notes" not in bpy.data.objects, "only meshes under the prefix")

# Another program streams new positions: the object moves, in place.
del applied[:]
r = conn.update_positions("it/livepull/Blob", r["version"], points * 2)
until("Blob moved", lambda: applied, step=arrived("it/livepull/Blob"))
check(applied[-1]["how"] == "updated" and bpy.data.objects["Blob"] == blob and close(positions(blob), points * 2),
      "moved in place: %r", applied)

# In edit mode the object's mesh cannot be written: what arrives waits until the object leaves edit mode.
bpy.context.view_layer.objects.active = blob
blob.select_set(True)
bpy.ops.object.mode_set(mode='EDIT')
raises(lambda: bpy.ops.meshport.pull(key="it/livepull/Blob"), "Blob is in edit mode")
del applied[:]
r = conn.update_positions("it/livepull/Blob", r["version"], points * 2.5)
until("the update held", lambda: live_link.status()["held"] == ["it/livepull/Blob"], step=arrived("it/livepull/Blob"))
check(applied == [], "nothing applied in edit mode: %r", applied)
bpy.ops.object.mode_set(mode='OBJECT')
until("the held update applied", lambda: applied, step=arrived("it/livepull/Blob"))
check(close(positions(blob), points * 2.5) and live_link.status()["held"] == [], "applied after edit mode")

# Live push too: the pulled object is not pushed back...
settings.live_push = True
version = conn.get("it/livepull/Blob")["version"]
for _ in range(5):
    s = live_link.sync_now()
    check(s["pushed"] == [], "a pulled object is not pushed back: %r", s["pushed"])
check(conn.get("it/livepull/Blob")["version"] == version, "the key untouched")

# ... an update pulled while live push is on is not either...
del applied[:]
r = conn.update_positions("it/livepull/Blob", version, points * 3)
until("Blob moved again", lambda: applied, step=arrived("it/livepull/Blob"))
s = live_link.sync_now()
check(s["pushed"] == [] and conn.get("it/livepull/Blob")["version"] == r["version"], "still not pushed back: %r", s)

# ... but an edit in Blender goes to the key it came from, as an update of the version pulled, and does not come back.
co = positions(blob).copy()
co[0] = (-2, -2, 0)
blob.data.vertices.foreach_set("co", co.ravel())
blob.data.update()
s = live_link.sync_now()
check(len(s["pushed"]) == 1 and s["pushed"][0]["key"] == "it/livepull/Blob" and s["pushed"][0]["mode"] == "update",
      "the edit pushed: %r", s)
check(close(conn.get_mesh("it/livepull/Blob")["positions"], co), "the host has the edit")
del applied[:]
for _ in range(10):
    arrived("it/livepull/Blob")()
check(applied == [], "our own push is not pulled back: %r", applied)

# Changed on both sides (a new version arrives while Blender's object is in edit mode, and edited there): Blender's
# edit wins, and the two end up the same.
bpy.ops.object.mode_set(mode='EDIT')
del applied[:]
conn.update_positions("it/livepull/Blob", conn.get("it/livepull/Blob")["version"], points * 4)
until("the update held", lambda: live_link.status()["held"] == ["it/livepull/Blob"], step=arrived("it/livepull/Blob"))
bm = bmesh.from_edit_mesh(blob.data)
for v in bm.verts:
    v.co.z += 0.5
bmesh.update_edit_mesh(blob.data)
bpy.ops.object.mode_set(mode='OBJECT')
s = live_link.sync_now()
check([k["key"] for k in s["kept"]] == ["it/livepull/Blob"] and s["applied"] == [], "Blender's edit kept: %r", s)
check(len(s["pushed"]) == 1 and s["pushed"][0]["mode"] == "put", "and pushed whole over the newer version: %r", s["pushed"])
edited = co + numpy.array([0, 0, 0.5], numpy.float32)
check(close(positions(blob), edited), "Blender kept its edit: %r", positions(blob))
check(close(conn.get_mesh("it/livepull/Blob")["positions"], edited), "the host has it too")
check(live_link.status()["held"] == [], "nothing held any more")

# Live pull off: puts are no longer applied.
settings.live_pull_prefix = ""
until("the live pull stopped", lambda: live_link.status()["watching"] is None)
conn.update_positions("it/livepull/Blob", conn.get("it/livepull/Blob")["version"], points)
for _ in range(10):
    arrived("it/livepull/Blob")()
check(applied == [] and close(positions(blob), edited), "live pull off: %r", applied)
conn.close()
bpy.ops.meshport.disconnect()
say("live pull verified")
