"""Meshport live link: push Blender's meshes into a Meshport host's session as you edit them, and pull session
keys back into objects, over the Meshport protocol (docs/protocol.md), with the Python client of
clients/python (the add-on's zip carries it as ``meshport_live_link.meshport``). docs/blender.md says how to
install and use it, and what is carried.

Operators: ``meshport.connect(host, port, token)``, ``meshport.disconnect()``, ``meshport.push(prefix)``,
``meshport.pull(key)``; the "Meshport" tab of the 3D view's sidebar; ``scene.meshport.live_push`` and
``scene.meshport.live_pull_prefix``. ``sync_now()`` runs one round of the live link (push what changed, apply
what arrived) for scripts and headless Blender, where the timer does not run; ``status()`` says how the link is.

The modules: ``live`` (the main thread's side: changed objects, the timer's rounds), ``link`` (the thread that
owns the connection), ``geometry`` (Blender meshes to arrays and back), ``bodies`` (arrays to ``mesh`` bodies,
and what changed), ``keys``, ``ops``, ``ui``, ``_client`` (finds the Python client).
"""

bl_info = {
    "name": "Meshport live link",
    "author": "Meshport",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "3D Viewport > Sidebar > Meshport",
    "description": "Push meshes into a Meshport host's session as you edit them, and pull session keys back",
    "category": "Import-Export",
}

import bpy  # noqa: E402

from . import live, ops, ui  # noqa: E402


def sync_now(timeout=30.0):
    """One round of what the live link's timer does: pushes every object changed since the last round (no
    debounce) and waits for the host's answers (at most ``timeout`` seconds), then applies what the live pull
    fetched. Returns ``{state, message, pushed, applied, errors, watching, ...}`` (see ``live.sync_now``)."""
    return live.sync_now(timeout)


def status():
    """How the link is: ``{state, message, address, session, reconnects, watching, pending}``; ``state`` is
    "connected", "lost" (the host went away; reconnecting), "failed", "connecting" or "closed"."""
    return live.status()


_CLASSES = ui.CLASSES + ops.CLASSES


def register():
    for cls in _CLASSES:
        bpy.utils.register_class(cls)
    ui.register_properties()
    bpy.app.handlers.depsgraph_update_post.append(live.on_depsgraph_update)
    bpy.app.handlers.load_post.append(live.on_load)


def unregister():
    live.shutdown()
    for handlers, fn in ((bpy.app.handlers.depsgraph_update_post, live.on_depsgraph_update),
                         (bpy.app.handlers.load_post, live.on_load)):
        if fn in handlers:
            handlers.remove(fn)
    ui.unregister_properties()
    for cls in reversed(_CLASSES):
        bpy.utils.unregister_class(cls)
