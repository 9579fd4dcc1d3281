"""What the Blender test scripts share. BlenderIT runs each of them in Debian's Blender, headless:

    blender -b --factory-startup --python-exit-code 1 --python SCRIPT -- --port P --zip ZIP --client CLIENT [--token T]

with BLENDER_USER_SCRIPTS pointing into a temporary folder, so that the add-on installed from its zip lands there.
A failed check raises, and Blender exits with status 1. The add-on comes from the zip ``mvn package`` made (as
a user installs it); the checks read the host with the Python client of the checkout (``--client``), a client
of its own, imported as ``meshport``, apart from the copy inside the add-on.
"""
import argparse
import sys
import time

import bpy
import numpy

_parser = argparse.ArgumentParser()
_parser.add_argument("--port", type=int, required=True)
_parser.add_argument("--zip", required=True)
_parser.add_argument("--client", required=True)
_parser.add_argument("--token", default=None)
_parser.add_argument("--extra", default=None)
args = _parser.parse_args(sys.argv[sys.argv.index("--") + 1:])

sys.path.insert(0, args.client)
import meshport  # noqa: E402  the checkout's client, for the checks


def install_addon():
    """Installs the add-on from its zip and enables it; returns its module."""
    bpy.ops.preferences.addon_install(filepath=args.zip)
    bpy.ops.preferences.addon_enable(module="meshport_live_link")
    import meshport_live_link
    return meshport_live_link


def raw(token=None):
    """A connection of the checkout's client, for checking what the host holds."""
    return meshport.connect("127.0.0.1", args.port, token=token if token is not None else args.token, timeout=30,
                            reconnect=0)


def until(what, condition, seconds=30.0, step=None):
    """Runs ``step`` (default: one round of the live link) until ``condition()`` holds; AssertionError after
    ``seconds``. Returns what the condition returned."""
    import meshport_live_link
    deadline = time.monotonic() + seconds
    while True:
        (step or (lambda: meshport_live_link.sync_now(timeout=10.0)))()
        got = condition()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("%s: not within %.0f s; status %r" % (what, seconds, meshport_live_link.status()))
        time.sleep(0.05)


def raises(fn, *words):
    """Calls ``fn``, which must raise; the message must hold every word. Returns the message."""
    try:
        fn()
    except Exception as e:  # RuntimeError from bpy.ops for an operator's error report
        text = str(e)
        for w in words:
            assert w in text, "%r does not say %r" % (text, w)
        return text
    raise AssertionError("expected a failure saying %r" % (words,))


def select_only(*objects):
    for ob in bpy.context.view_layer.objects:
        ob.select_set(False)
    for ob in objects:
        ob.select_set(True)
    bpy.context.view_layer.objects.active = objects[0] if objects else None


def mesh_object(name, points, faces):
    """A mesh object from points and faces (lists), linked to the scene."""
    me = bpy.data.meshes.new(name)
    me.from_pydata([tuple(p) for p in points], [], [tuple(f) for f in faces])
    me.update()
    ob = bpy.data.objects.new(name, me)
    bpy.context.scene.collection.objects.link(ob)
    return ob


def positions(ob):
    co = numpy.empty(len(ob.data.vertices) * 3, numpy.float32)
    ob.data.vertices.foreach_get("co", co)
    return co.reshape(-1, 3)


def close(a, b, tol=1e-6):
    a = numpy.asarray(a, numpy.float64)
    b = numpy.asarray(b, numpy.float64)
    return a.shape == b.shape and bool(numpy.abs(a - b).max(initial=0.0) <= tol)


def check(condition, message, *values):
    if not condition:
        raise AssertionError(message % values if values else message)


def say(*words):
    """One line, written at once (the add-on's thread prints too, and BlenderIT reads the lines)."""
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()
