"""The host goes away and comes back, BlenderIT stopping and starting it on the same port as this script says:

    script: READY          -> BlenderIT stops the host
    script: LOST <status>  -> BlenderIT starts a host on the same port
    script: RECONNECTED    -> BlenderIT puts it/away/Comeback with the Java client

While the host is away the live link says so (state "lost", its message), a push fails at once saying so, and
Blender is never held up: no round of the live link takes long. An edit made meanwhile reaches the host once it
is back, and so is what was pushed before (pushed again when the host came back with a new session, having lost
the old one); the live pull goes on.
"""
import os
import sys
import time

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import args, check, close, install_addon, mesh_object, positions, raises, raw, say, select_only, until  # noqa: E402

live_link = install_addon()
bpy.ops.meshport.connect(host="127.0.0.1", port=args.port)
settings = bpy.context.scene.meshport
settings.live_push = True
settings.live_pull_prefix = "it/away/"
survivor = mesh_object("Survivor", [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0)], [(0, 1, 2, 3)])
bystander = mesh_object("Bystander", [(0, 0, 0), (1, 0, 0), (0, 1, 0)], [(0, 1, 2)])
select_only(survivor, bystander)
bpy.ops.meshport.push(prefix="it/away/")
until("the live pull watches", lambda: live_link.status()["watching"] == "it/away/")
say("READY")

slowest = 0.0


def timed_round():
    global slowest
    t = time.monotonic()
    live_link.sync_now(timeout=5.0)
    slowest = max(slowest, time.monotonic() - t)


until("the link says the host is gone", lambda: live_link.status()["state"] == "lost", seconds=60, step=timed_round)
st = live_link.status()
say("LOST", st["message"])
check("lost the host at 127.0.0.1:%d" % args.port in st["message"] and "reconnecting" in st["message"], "says so: %r", st)

# Meanwhile: a push fails at once, saying why; an edit waits for the host.
t = time.monotonic()
raises(lambda: bpy.ops.meshport.push(prefix="it/away/"), "lost the host")
refused = time.monotonic() - t
co = positions(survivor).copy()
co[:, 2] = 0.75
survivor.data.vertices.foreach_set("co", co.ravel())
survivor.data.update()
until("the link says it reconnected", lambda: live_link.status()["state"] == "connected", seconds=120, step=timed_round)
st = live_link.status()
check(st["reconnects"] == 1 and "reconnected to 127.0.0.1:%d" % args.port in st["message"], "reconnected: %r", st)
say("RECONNECTED", st["message"])

# The edit made while the host was away reaches it; what was pushed before is there (pushed again if the host
# came back with a new session, which lost it).
with raw() as conn:
    until("the edit made meanwhile pushed",
          lambda: close(conn.get_mesh("it/away/Survivor")["positions"], co), seconds=30, step=timed_round)
    say("EDIT ARRIVED version", conn.get("it/away/Survivor")["version"])
    until("the object pushed before the host went away is there",
          lambda: [e for e in conn.list("it/away/Bystander") if e["key"] == "it/away/Bystander"], seconds=30, step=timed_round)
    check(len(conn.get_mesh("it/away/Bystander")["positions"]) == 3, "Bystander on the host")
# The live pull goes on: BlenderIT puts it/away/Comeback.
until("Comeback pulled", lambda: "Comeback" in bpy.data.objects, seconds=60, step=timed_round)
check(len(bpy.data.objects["Comeback"].data.polygons) == 1, "Comeback: %r", bpy.data.objects["Comeback"])
say("PULLED Comeback")
say("slowest round %.3f s, a push refused in %.3f s" % (slowest, refused))
check(slowest < 2.0 and refused < 1.0, "Blender was held up: slowest round %.3f s, push refused in %.3f s", slowest, refused)
bpy.ops.meshport.disconnect()
say("host away verified")
