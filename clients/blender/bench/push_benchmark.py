"""How fast the live link pushes a large mesh, against the raw client doing the same by hand.

Run headless against a running host (./meshport host, or any other):

    blender -b --factory-startup --python clients/blender/bench/push_benchmark.py -- --port 18830
    options: --host H --port P --token T --points 500000 --runs 7 --zip clients/blender/target/meshport_live_link-0.1.0.zip

The mesh is a grid of --points points (about twice as many triangles) with a UV map and a colour attribute
per point. Each run times, in turns:
  raw:    foreach_get of the same arrays the add-on sends (positions, corner indices, corner normals, UVs per
          corner, colours per point) into NumPy, then the Python client's put_mesh;
  add-on: bpy.ops.meshport.push of the selected object (the evaluated mesh, the world matrix in meta).
It prints the median and the best of each and their ratio (the goal: the add-on at most 1.5x the raw client),
then the live link's update of moved points (an update with ``base``: the positions, and the normals when they
changed) against the raw client's foreach_get and update_positions (positions only), and against a raw update with
base of the positions and the corner normals. Without --zip, the add-on and the client come from this checkout.
"""
import argparse
import os
import statistics
import sys
import time

import bpy
import cbor2
import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT_BLENDER = os.path.dirname(HERE)
CHECKOUT_PYTHON = os.path.join(os.path.dirname(CHECKOUT_BLENDER), "python")


def arguments():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    p = argparse.ArgumentParser(prog="push_benchmark.py")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=18830)
    p.add_argument("--token", default=None)
    p.add_argument("--points", type=int, default=500_000)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--zip", default=None, help="install the add-on from this zip (else: from the checkout)")
    return p.parse_args(argv)


def enable_addon(zip_path):
    if zip_path:
        bpy.ops.preferences.addon_install(filepath=os.path.abspath(zip_path))
    else:
        sys.path.insert(0, CHECKOUT_BLENDER)
    bpy.ops.preferences.addon_enable(module="meshport_live_link")
    import meshport_live_link
    return meshport_live_link


def grid(points):
    """A wavy grid of about ``points`` points in triangles, with a UV map and a colour per point."""
    n = max(2, int(round(points ** 0.5)))
    xs, ys = numpy.meshgrid(numpy.linspace(-1, 1, n, dtype=numpy.float32), numpy.linspace(-1, 1, n, dtype=numpy.float32))
    co = numpy.stack([xs.ravel(), ys.ravel(), 0.1 * numpy.sin(6 * xs.ravel()) * numpy.cos(5 * ys.ravel())], 1)
    i, j = numpy.meshgrid(numpy.arange(n - 1), numpy.arange(n - 1))
    a = (j * n + i).ravel()
    tris = numpy.stack([a, a + 1, a + n + 1, a, a + n + 1, a + n], 1).reshape(-1).astype(numpy.uint32)
    me = bpy.data.meshes.new("bench")
    me.vertices.add(n * n)
    me.vertices.foreach_set("co", co.astype(numpy.float32).ravel())
    me.loops.add(len(tris))
    me.loops.foreach_set("vertex_index", tris)
    faces = len(tris) // 3
    me.polygons.add(faces)
    me.polygons.foreach_set("loop_start", numpy.arange(0, len(tris), 3, dtype=numpy.uint32))
    me.polygons.foreach_set("loop_total", numpy.full(faces, 3, numpy.uint32))
    me.update(calc_edges=True)
    me.polygons.foreach_set("use_smooth", numpy.ones(faces, bool))
    uv = me.uv_layers.new(name="UVMap")
    uv.data.foreach_set("uv", ((co[tris, :2] + 1) / 2).astype(numpy.float32).ravel())
    colour = me.color_attributes.new("Col", 'FLOAT_COLOR', 'POINT')
    rgba = numpy.ones((n * n, 4), numpy.float32)
    rgba[:, 0] = (xs.ravel() + 1) / 2
    rgba[:, 1] = (ys.ravel() + 1) / 2
    colour.data.foreach_set("color", rgba.ravel())
    me.color_attributes.active_color = colour
    me.update()
    ob = bpy.data.objects.new("bench", me)
    bpy.context.scene.collection.objects.link(ob)
    return ob


def raw_push(conn, ob, key):
    """What a script does by hand with the raw client: the same arrays, foreach_get into NumPy, put_mesh."""
    me = ob.data
    points, corners = len(me.vertices), len(me.loops)
    co = numpy.empty(points * 3, numpy.float32)
    me.vertices.foreach_get("co", co)
    corner_points = numpy.empty(corners, numpy.uint32)
    me.loops.foreach_get("vertex_index", corner_points)
    me.calc_normals_split()
    normals = numpy.empty(corners * 3, numpy.float32)
    me.loops.foreach_get("normal", normals)
    uv = numpy.empty(corners * 2, numpy.float32)
    me.uv_layers.active.data.foreach_get("uv", uv)
    rgba = numpy.empty(points * 4, numpy.float32)
    me.color_attributes.active_color.data.foreach_get("color", rgba)
    cd = numpy.ascontiguousarray(rgba.reshape(-1, 4)[:, :3])
    return conn.put_mesh(key, co, corner_points, attributes={
        "N": ("vertex", 3, normals), "uv": ("vertex", 2, uv), "Cd": ("point", 3, cd)})


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main():
    args = arguments()
    live_link = enable_addon(args.zip)
    if CHECKOUT_PYTHON not in sys.path:
        sys.path.append(CHECKOUT_PYTHON)
    import meshport  # the raw client, from the checkout

    ob = grid(args.points)
    me = ob.data
    print("mesh: %d points, %d triangles, %d corners" % (len(me.vertices), len(me.polygons), len(me.loops)), flush=True)
    for other in bpy.context.selected_objects:
        other.select_set(False)
    ob.select_set(True)
    bpy.context.view_layer.objects.active = ob

    bpy.ops.meshport.connect(host=args.host, port=args.port, token=args.token or "", timeout=120.0)
    conn = meshport.connect(args.host, args.port, token=args.token, timeout=120.0, reconnect=0)
    try:
        raw_push(conn, ob, "bench/raw")  # warm both paths up once
        bpy.ops.meshport.push(prefix="bench/addon/")
        raw, addon = [], []
        for run in range(args.runs):
            order = ("raw", "addon") if run % 2 == 0 else ("addon", "raw")
            for which in order:
                if which == "raw":
                    raw.append(timed(lambda: raw_push(conn, ob, "bench/raw"))[0])
                else:
                    addon.append(timed(lambda: bpy.ops.meshport.push(prefix="bench/addon/"))[0])
        stored = conn.get_mesh("bench/addon/bench")
        size = sum(a.nbytes for a in [stored["positions"], stored["indices"]]
                   + [x["data"] for x in stored["attributes"].values()])
        print("payload: %.1f MB (positions, indices, %s)" % (size / 1e6, ", ".join(sorted(stored["attributes"]))))
        print("raw foreach_get + put_mesh: median %.3f s, best %.3f s over %d runs" % (statistics.median(raw), min(raw), len(raw)))
        print("add-on meshport.push:       median %.3f s, best %.3f s over %d runs" % (statistics.median(addon), min(addon), len(addon)))
        paired = statistics.median(a / r for a, r in zip(addon, raw))  # each run's pair, measured back to back
        print("push ratio add-on/raw: %.2fx by median, %.2fx by best, %.2fx by the median of each run's pair"
              " (goal: at most 1.5x)" % (statistics.median(addon) / statistics.median(raw), min(addon) / min(raw), paired),
              flush=True)

        # The live link's update of moved points against the raw client's updates with base.
        bpy.context.scene.meshport.live_push = True
        bpy.ops.meshport.push(prefix="bench/addon/")  # the live link keeps what it sent from here on
        co = numpy.empty(len(me.vertices) * 3, numpy.float32)
        me.vertices.foreach_get("co", co)
        ripple = 0.02 * numpy.sin(9 * co[0::3])
        version = conn.get("bench/raw")["version"]
        live, by_hand, with_normals = [], [], []
        for run in range(args.runs):
            co[2::3] += ripple  # the points move, and the normals with them; faces, UVs and colours stay
            me.vertices.foreach_set("co", co)
            me.update()
            t, summary = timed(lambda: live_link.sync_now(timeout=120.0))
            modes = [(p["mode"], p["sent"]) for p in summary["pushed"]]
            if len(modes) != 1 or modes[0][0] != "update" or "positions" not in modes[0][1] or "indices" in modes[0][1]:
                raise SystemExit("expected an update with base carrying the positions, the live link sent %r" % modes)
            sent = modes[0][1]
            live.append(t)

            def by_hand_update():
                got = numpy.empty(len(me.vertices) * 3, numpy.float32)
                me.vertices.foreach_get("co", got)
                return conn.update_positions("bench/raw", version, got)
            t, r = timed(by_hand_update)
            version = r["version"]
            by_hand.append(t)

            def by_hand_with_normals():
                # What a script must send to keep the corner normals right too: positions and N, with base.
                got = numpy.empty(len(me.vertices) * 3, numpy.float32)
                me.vertices.foreach_get("co", got)
                me.calc_normals_split()
                normals = numpy.empty(len(me.loops) * 3, numpy.float32)
                me.loops.foreach_get("normal", normals)
                body = {"base": version, "positions": cbor2.CBORTag(85, got.tobytes()), "attributes": {
                    "N": {"owner": "vertex", "size": 3, "data": cbor2.CBORTag(85, normals.tobytes())}}}
                return conn.put("bench/raw", body, codec="mesh")
            t, r = timed(by_hand_with_normals)
            version = r["version"]
            with_normals.append(t)
        print("update with base (the live link sent %s): live link (sync_now: evaluates, reads the mesh, compares, sends)"
              " median %.3f s; raw foreach_get + update_positions median %.3f s (%.2fx); raw positions and normals with"
              " base median %.3f s (%.2fx)" % (", ".join(sent), statistics.median(live), statistics.median(by_hand),
                                               statistics.median(live) / statistics.median(by_hand),
                                               statistics.median(with_normals),
                                               statistics.median(live) / statistics.median(with_normals)), flush=True)
    finally:
        conn.close()
        bpy.ops.meshport.disconnect()


main()
