"""A host with a token (--token): connecting without it or with a wrong one fails at once, saying the host refused;
with it (given to the operator, or typed in the panel's field) pushes and pulls work; the token is not saved with
the .blend file."""
import os
import sys
import tempfile
import time

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import args, check, install_addon, raises, raw, say, select_only  # noqa: E402

live_link = install_addon()
t = time.monotonic()
raises(lambda: bpy.ops.meshport.connect(host="127.0.0.1", port=args.port), "refused", "UNAUTHORIZED")
raises(lambda: bpy.ops.meshport.connect(host="127.0.0.1", port=args.port, token="not-" + args.token),
       "refused", "UNAUTHORIZED")
say("refused without the token in %.2f s" % (time.monotonic() - t))
check(live_link.status()["state"] == "closed", "no link left: %r", live_link.status())

bpy.ops.meshport.connect(host="127.0.0.1", port=args.port, token=args.token)
bpy.ops.mesh.primitive_ico_sphere_add(subdivisions=2)
ball = bpy.context.active_object
ball.name = "Ball"
select_only(ball)
bpy.ops.meshport.push(prefix="it/token/")
with raw() as conn:
    check(len(conn.get_mesh("it/token/Ball")["positions"]) == 42, "pushed with the token")
bpy.ops.meshport.disconnect()

# The panel's way: the token typed into its field, on the window manager.
wm = bpy.context.window_manager
wm.meshport_token = args.token
bpy.context.scene.meshport.port = args.port
bpy.ops.meshport.connect()
bpy.data.objects.remove(ball)
bpy.ops.meshport.pull(key="it/token/Ball")
check(len(bpy.data.objects["Ball"].data.vertices) == 42, "pulled with the panel's token")
bpy.ops.meshport.disconnect()

path = os.path.join(tempfile.mkdtemp(), "saved.blend")
bpy.ops.wm.save_as_mainfile(filepath=path, compress=False)
with open(path, "rb") as f:
    check(args.token.encode() not in f.read(), "the token is not in the saved file")
say("token verified")
