"""scene.meshport.live_push, driven by sync_now(): a new object is put whole; moved points go as an update with
base (positions, and the normals that changed, no faces); a moved object sends its world matrix alone; other faces
(a modifier, an edit in edit mode) put the whole mesh again; nothing changed, nothing sent. Each checked with
the checkout's client."""
import os
import sys
import time

import bmesh
import bpy
import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import args, check, close, install_addon, mesh_object, positions, raw, say, select_only, until  # noqa: E402

live_link = install_addon()
bpy.ops.meshport.connect(host="127.0.0.1", port=args.port)
settings = bpy.context.scene.meshport
settings.live_push = True
settings.prefix = "it/live/"

n = 11
grid = mesh_object("Sheet", [(x / 10.0, y / 10.0, 0) for y in range(n) for x in range(n)],
                   [(y * n + x, y * n + x + 1, (y + 1) * n + x + 1, (y + 1) * n + x) for y in range(n - 1) for x in range(n - 1)])
grid.data.uv_layers.new(name="UVMap")
select_only(grid)
conn = raw()


def pushed(summary, key):
    found = [p for p in summary["pushed"] if p["key"] == key]
    check(summary["errors"] == [], "errors: %r", summary["errors"])
    check(len(found) == 1, "one push of %s in %r", key, summary)
    return found[0]


# Unchanged objects in the scene are not pushed on their own: only what changes.
s = live_link.sync_now()
first = pushed(s, "it/live/Sheet")
check(first["mode"] == "put", "a new object is put whole: %r", first)
stored = conn.get_mesh("it/live/Sheet")
check(close(stored["positions"], positions(grid)) and list(stored["faceCounts"]) == [4] * 100, "stored: %r", stored)
check([p["key"] for p in s["pushed"]] == ["it/live/Sheet"], "the cube of the start-up scene was not changed: %r", s["pushed"])

# Points moved: an update with base, no faces.
co = positions(grid).copy()
co[:, 2] = 0.2 * numpy.sin(co[:, 0] * 3)
grid.data.vertices.foreach_set("co", co.ravel())
grid.data.update()
s = live_link.sync_now()
p = pushed(s, "it/live/Sheet")
check(p["mode"] == "update" and "positions" in p["sent"] and "N" in p["sent"] and "indices" not in p["sent"]
      and "uv" not in p["sent"], "points moved, normals with them: %r", p)
stored = conn.get_mesh("it/live/Sheet")
check(stored["version"] == p["version"] and close(stored["positions"], co), "the host has the new points")
check(len(stored["attributes"]["uv"]["data"]) == 400, "the uv kept by the update")

# Nothing changed: nothing sent.
s = live_link.sync_now()
check(s["pushed"] == [], "nothing to send: %r", s["pushed"])

# The object moved: its world matrix alone.
grid.location = (3, 0, 1)
s = live_link.sync_now()
p = pushed(s, "it/live/Sheet")
check(p["mode"] == "update" and p["sent"] == ["meta"], "a move sends the matrix: %r", p)
stored = conn.get_mesh("it/live/Sheet")
check(close(stored["meta"]["matrixWorld"][3::4], [3, 0, 1, 1]), "translation in meta: %r", stored["meta"])
check(close(stored["positions"], co), "the points kept")

# A modifier: other points and faces, the whole mesh again.
modifier = grid.modifiers.new("sub", 'SUBSURF')
modifier.levels = 1
s = live_link.sync_now()
p = pushed(s, "it/live/Sheet")
check(p["mode"] == "put", "other faces: a put: %r", p)
check(conn.get_mesh("it/live/Sheet")["positions"].shape == (441, 3), "subdivided once")
grid.modifiers.remove(modifier)
live_link.sync_now()

# Edit mode: the edit mesh is read as it is being edited.
bpy.ops.object.mode_set(mode='EDIT')
bm = bmesh.from_edit_mesh(grid.data)
for v in bm.verts:
    v.co.z += 1.0
bmesh.update_edit_mesh(grid.data)
s = live_link.sync_now()
p = pushed(s, "it/live/Sheet")
check(p["mode"] == "update" and "positions" in p["sent"], "edit mode: %r", p)
check(close(conn.get_mesh("it/live/Sheet")["positions"][:, 2], co[:, 2] + 1.0, 1e-5), "raised by one in edit mode")
bm.faces.ensure_lookup_table()
bmesh.ops.delete(bm, geom=[bm.faces[0]], context='FACES_ONLY')
bmesh.update_edit_mesh(grid.data)
s = live_link.sync_now()
p = pushed(s, "it/live/Sheet")
check(p["mode"] == "put", "a face deleted in edit mode: %r", p)
check(len(conn.get_mesh("it/live/Sheet")["faceCounts"]) == 99, "99 faces left")
bpy.ops.object.mode_set(mode='OBJECT')

# Someone else writes the key: the next edit cannot be an update of a version that is gone; Blender's mesh is put whole.
conn.put_mesh("it/live/Sheet", [0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2])
grid.data.vertices[0].co.x -= 0.05
grid.data.update()
s = live_link.sync_now()
p = pushed(s, "it/live/Sheet")
check(p["mode"] == "put", "after another writer, a put: %r", p)
check(conn.get_mesh("it/live/Sheet")["positions"].shape == (121, 3), "Blender's mesh is back on the host")

# The timer's function (what runs every tenth of a second in Blender's UI): an edit is pushed once the object has
# been still for a moment, not at once; the answer is taken in by a later tick.
from meshport_live_link import live  # noqa: E402
check(bpy.app.timers.is_registered(live._tick), "the live link's timer is registered")
version = conn.get("it/live/Sheet")["version"]
grid.data.vertices[2].co.z += 0.3
grid.data.update()
bpy.context.view_layer.update()
changed_at = time.monotonic()
check(live._tick() == live.TICK_SECONDS, "the timer goes on")
check(conn.get("it/live/Sheet")["version"] == version, "not pushed while the object may still be changing")


def tick():
    live._tick()
    time.sleep(0.02)


until("the timer pushed the edit", lambda: conn.get("it/live/Sheet")["version"] > version, seconds=10, step=tick)
check(time.monotonic() - changed_at >= live.DEBOUNCE_SECONDS, "pushed after the debounce delay")
check(close(conn.get_mesh("it/live/Sheet")["positions"], positions(grid)), "the timer's push holds the edit")
until("the timer took the answer in", lambda: live_link.status()["pending"] == 0, seconds=10, step=tick)

# Live push off: edits stay in Blender.
settings.live_push = False
version = conn.get("it/live/Sheet")["version"]
grid.data.vertices[1].co.x += 0.05
grid.data.update()
s = live_link.sync_now()
check(s["pushed"] == [] and conn.get("it/live/Sheet")["version"] == version, "live push off: %r", s["pushed"])
conn.close()
bpy.ops.meshport.disconnect()
say("live push verified")
