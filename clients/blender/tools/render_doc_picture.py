"""Makes docs/blender.png: another program (the checkout's Python client) puts a honeycomb of hexagons (n-gons) with a
colour per face into a host; the live link pulls it into Blender (meshport.pull) and Blender renders it, headless.

    ./meshport host &    # or any host
    blender -b --factory-startup --python clients/blender/tools/render_doc_picture.py -- --port 18830 --out docs/blender.png

Without --zip the add-on comes from the checkout (clients/blender), the client from clients/python.
"""
import argparse
import math
import os
import sys

import bpy
import numpy
from mathutils import Vector

HERE = os.path.dirname(os.path.abspath(__file__))
BLENDER_DIR = os.path.dirname(HERE)
PYTHON_DIR = os.path.join(os.path.dirname(BLENDER_DIR), "python")

p = argparse.ArgumentParser(prog="render_doc_picture.py")
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, default=18830)
p.add_argument("--token", default=None)
p.add_argument("--out", default="blender.png")
p.add_argument("--zip", default=None)
p.add_argument("--size", default="576x324")
a = p.parse_args(sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else [])

if a.zip:
    bpy.ops.preferences.addon_install(filepath=os.path.abspath(a.zip))
else:
    sys.path.insert(0, BLENDER_DIR)
sys.path.append(PYTHON_DIR)
bpy.ops.preferences.addon_enable(module="meshport_live_link")
import meshport  # noqa: E402


def honeycomb(rings=9, radius=0.5, gap=0.06):
    """Hexagonal tiles, each its own six points, on a dome with a ripple: points, corners, and a colour per tile."""
    centres = []
    for q in range(-rings, rings + 1):
        for r in range(max(-rings, -q - rings), min(rings, -q + rings) + 1):
            centres.append((math.sqrt(3) * radius * (q + r / 2.0), 1.5 * radius * r))
    centres = numpy.array(centres)
    angles = numpy.radians(numpy.arange(6) * 60 + 30)
    corner = numpy.stack([numpy.cos(angles), numpy.sin(angles)], 1) * (radius - gap)
    xy = (centres[:, None, :] + corner[None, :, :]).reshape(-1, 2)
    d = numpy.hypot(xy[:, 0], xy[:, 1])
    z = 2.2 * numpy.exp(-(d / 5.0) ** 2) + 0.15 * numpy.sin(1.3 * xy[:, 0]) * numpy.cos(1.1 * xy[:, 1])
    points = numpy.column_stack([xy, z]).astype(numpy.float32)
    tiles = len(centres)
    indices = numpy.arange(tiles * 6, dtype=numpy.uint32)
    t = numpy.hypot(centres[:, 0], centres[:, 1]) / numpy.hypot(centres[:, 0], centres[:, 1]).max()
    colours = numpy.column_stack([0.85 - 0.75 * t, 0.12 + 0.35 * t, 0.05 + 0.6 * t ** 2]).astype(numpy.float32)
    return points, indices, numpy.full(tiles, 6, numpy.uint32), colours


points, indices, counts, colours = honeycomb()
with meshport.connect(a.host, a.port, token=a.token, reconnect=0) as conn:
    conn.put_mesh("docs/honeycomb", points, indices, face_counts=counts, attributes={"Cd": ("face", 3, colours)})

bpy.ops.meshport.connect(host=a.host, port=a.port, token=a.token or "")
for ob in list(bpy.data.objects):
    bpy.data.objects.remove(ob)
bpy.ops.meshport.pull(key="docs/honeycomb")
bpy.ops.meshport.disconnect()
ob = bpy.data.objects["honeycomb"]

material = bpy.data.materials.new("Cd")
material.use_nodes = True
nodes = material.node_tree.nodes
colour = nodes.new("ShaderNodeVertexColor")
colour.layer_name = "Cd"
bsdf = nodes["Principled BSDF"]
bsdf.inputs["Roughness"].default_value = 0.45
material.node_tree.links.new(colour.outputs["Color"], bsdf.inputs["Base Color"])
ob.data.materials.append(material)
solid = ob.modifiers.new("thickness", 'SOLIDIFY')
solid.thickness = 0.08

scene = bpy.context.scene
camera = bpy.data.objects.new("camera", bpy.data.cameras.new("camera"))
scene.collection.objects.link(camera)
camera.location = (11.0, -12.5, 10.0)
direction = Vector((0.3, -2.0, 0.0)) - camera.location
camera.rotation_euler = direction.to_track_quat('-Z', 'Y').to_euler()
camera.data.lens = 35
scene.camera = camera
sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", 'SUN'))
sun.data.energy = 4.0
sun.rotation_euler = (math.radians(40), math.radians(15), math.radians(30))
scene.collection.objects.link(sun)
scene.world = bpy.data.worlds.new("world")
scene.world.color = (0.06, 0.065, 0.08)

width, height = (int(v) for v in a.size.split("x"))
scene.render.engine = 'CYCLES'
scene.cycles.device = 'CPU'
scene.cycles.samples = 128
scene.cycles.use_denoising = False  # Debian's Blender is built without OpenImageDenoise
scene.render.resolution_x, scene.render.resolution_y = width, height
scene.render.resolution_percentage = 100
scene.view_settings.view_transform = 'Standard'  # the colours as pushed, not Filmic's
scene.render.dither_intensity = 0.0  # no dither noise: a smaller PNG
scene.render.image_settings.file_format = 'PNG'
scene.render.image_settings.color_mode = 'RGB'
scene.render.image_settings.compression = 100
scene.render.filepath = os.path.abspath(a.out)
bpy.ops.render.render(write_still=True)
print("wrote", scene.render.filepath, flush=True)
