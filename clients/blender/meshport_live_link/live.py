"""The live link on Blender's main thread: the connection's ``Link``, the objects that changed, and one round of
syncing (push what changed, apply what arrived), run by a ``bpy.app.timers`` function every tenth of a second
and by ``sync_now()``.

A ``depsgraph_update_post`` handler notes which mesh objects changed (their geometry, or only their transform).
A round pushes each of them once it has been still for ``DEBOUNCE_SECONDS`` (or has been changing for
``MAX_WAIT_SECONDS``): the main thread reads the evaluated mesh (``geometry.extract``) and hands the arrays to
the link's thread, which sends what changed since the last push; an object that only moved sends its new world
matrix alone. The same round applies the meshes the link fetched for the live pull. Blender's data is read and
written here only, on the main thread; the main thread waits for the network only in ``push``, ``pull`` and
``sync_now``, always for a bounded time.
"""
import sys
import textwrap
import time
import traceback

import bpy
from bpy.app.handlers import persistent

from . import geometry, keys
from .link import Job, Link, NotConnected

TICK_SECONDS = 0.1
DEBOUNCE_SECONDS = 0.2
MAX_WAIT_SECONDS = 1.0


class _State(object):
    def __init__(self):
        self.link = None
        self.dirty = {}      # object name -> [first change, last change, geometry changed]
        self.in_flight = {}  # key -> (Job, object name): live pushes under way
        self.synced = set()  # keys whose last arrays the link keeps (so an object that moved sends its matrix only)
        self.held = {}       # key -> a mesh pulled for an object in edit mode: applied once it leaves edit mode
        self.versions = {}   # key -> the newest version this Blender pushed or pulled, in the session below
        self.session = None
        self.shown = None    # what the panel last showed

    def forget(self):
        self.dirty.clear()
        self.in_flight.clear()
        self.synced.clear()
        self.held.clear()
        self.versions.clear()


_s = _State()


def link():
    """The current link, or None."""
    return _s.link


def connect(host, port, token=None, timeout=30.0):
    """Connects (closing the link there was), waiting for the first connection (bounded); NotConnected when it
    could not be made. Then the link reconnects by itself whenever the host goes away, until ``disconnect()``."""
    disconnect()
    new = Link(host, port, token=token, timeout=timeout)
    if not new.start():
        message = new.message
        new.stop()
        raise NotConnected(message)
    _s.link = new
    _s.forget()
    if not bpy.app.timers.is_registered(_tick):
        bpy.app.timers.register(_tick, first_interval=TICK_SECONDS, persistent=True)
    return new


def disconnect():
    """Closes the link, if there is one; returns whether there was."""
    old, _s.link = _s.link, None
    _s.forget()
    if old is None:
        return False
    old.stop()
    return True


def shutdown():
    """Closes the link and stops the timer (the add-on is being disabled)."""
    disconnect()
    if bpy.app.timers.is_registered(_tick):
        bpy.app.timers.unregister(_tick)


def status():
    """How the link is: ``{state, message, address, session, reconnects, watching, pending, held}``; state "closed"
    when there is none. ``pending``: changed objects not pushed yet, and pushes under way; ``held``: keys pulled for
    objects in edit mode, applied once they leave it."""
    ln = _s.link
    if ln is None:
        return {"state": "closed", "message": "not connected", "address": None, "session": None, "reconnects": 0,
                "watching": None, "pending": 0, "held": []}
    return {"state": ln.state, "message": ln.message, "address": ln.address, "session": ln.session,
            "reconnects": ln.reconnects, "watching": ln.watching, "pending": len(_s.dirty) + len(_s.in_flight),
            "held": sorted(_s.held)}


def _connected_link():
    ln = _s.link
    if ln is None:
        raise NotConnected("not connected to a Meshport host: connect first (meshport.connect)")
    if not ln.connected:
        raise NotConnected(ln.message)
    return ln


def key_of(ob, prefix):
    """The key an object goes to: the one it is linked to (``meshport_key``), else ``prefix`` + its name."""
    linked = ob.get(geometry.KEY_PROPERTY)
    if isinstance(linked, str) and linked:
        return keys.check_key(linked)
    return keys.key_for(prefix, ob.name)


# ---------------------------------------------------------------------- operators' work

def push(objects, prefix, scene, timeout):
    """Pushes mesh objects whole to ``prefix`` + their names, each read while the one before travels; waits for
    the host's answers (at most ``timeout`` seconds in all). Returns ``(results, failures)``: the put results
    (``{key, version, mode, sent, summary}``) and ``[(object name, error)]``."""
    ln = _connected_link()
    keep = bool(scene.meshport.live_push)
    depsgraph = bpy.context.evaluated_depsgraph_get()
    jobs = []
    for ob in objects:
        key = keys.key_for(prefix, ob.name)
        jobs.append((ob, key, ln.submit(Job("push", key, geometry.extract(ob, depsgraph), keep=keep))))
    deadline = time.monotonic() + timeout
    results, failures = [], []
    for ob, key, job in jobs:
        if not job.done.wait(max(0.0, deadline - time.monotonic())):
            failures.append((ob.name, TimeoutError("no answer from the host within %.0f s" % timeout)))
            continue
        if job.error is not None:
            failures.append((ob.name, job.error))
            continue
        ob[geometry.KEY_PROPERTY] = key
        ob[geometry.VERSION_PROPERTY] = job.result["version"]
        _s.versions[key] = max(job.result["version"], _s.versions.get(key, 0))
        if keep:
            _s.synced.add(key)
            _s.dirty.pop(ob.name, None)
        results.append(job.result)
    return results, failures


def pull(key, scene, timeout):
    """Fetches ``key`` and creates or updates its object; returns ``(object, how, version)``."""
    ln = _connected_link()
    keys.check_key(key)
    job = ln.submit(Job("pull", key))
    if not job.done.wait(timeout):
        raise TimeoutError("no answer from the host within %.0f s" % timeout)
    if job.error is not None:
        raise job.error
    ob, how = geometry.apply(key, job.result, _collection(scene))
    _s.versions[key] = max(job.result["version"], _s.versions.get(key, 0))
    _baselines(scene, [(ob, key, job.result["version"])])
    return ob, how, job.result["version"]


def _collection(scene):
    c = getattr(bpy.context, "collection", None)
    return c if c is not None else scene.collection


def _baselines(scene, applied):
    """After a pull: evaluates the objects at once, so that the change the pull made is not taken later for an
    edit (and pushed back). With live push on, what was pulled is what the keys hold: the link keeps it, so that
    an edit sends only what changed."""
    ln = _s.link
    if not applied:
        return
    depsgraph = bpy.context.evaluated_depsgraph_get()
    if ln is None or not scene.meshport.live_push:
        return
    for ob, key, version in applied:
        try:
            ln.submit(Job("baseline", key, geometry.extract(ob, depsgraph), version=version))
        except NotConnected:
            return
        _s.synced.add(key)
        _s.dirty.pop(ob.name, None)


# ---------------------------------------------------------------------- the live link's rounds

@persistent
def on_depsgraph_update(scene, depsgraph):
    """Notes the mesh objects whose geometry or transform changed (live push only)."""
    if _s.link is None or not scene.meshport.live_push:
        return
    now = time.monotonic()
    for u in depsgraph.updates:
        changed = u.id
        if isinstance(changed, bpy.types.Object):
            if changed.type == 'MESH' and (u.is_updated_geometry or u.is_updated_transform):
                _mark(changed.name, u.is_updated_geometry, now)
        elif isinstance(changed, bpy.types.Mesh) and u.is_updated_geometry:
            original = changed.original
            for ob in scene.objects:
                if ob.data == original:
                    _mark(ob.name, True, now)


@persistent
def on_load(*_args):
    """Another file: the objects noted belong to the one before."""
    _s.forget()


def _mark(name, geometry_changed, now=None):
    now = time.monotonic() if now is None else now
    entry = _s.dirty.get(name)
    if entry is None:
        _s.dirty[name] = [now, now, bool(geometry_changed)]
    else:
        entry[1] = now
        entry[2] = entry[2] or bool(geometry_changed)


def _tick():
    """The timer: one round without waiting. Ends itself once there is no link (connect registers it again)."""
    ln = _s.link
    if ln is None:
        return None
    try:
        scene = bpy.context.scene
        if scene is not None:
            sync_round(scene, wait=False, timeout=0.0)
        _redraw_on_change()
    except Exception:  # the timer must go on: say what went wrong
        traceback.print_exc()
    return TICK_SECONDS


def sync_now(timeout=30.0):
    """One round of what the live link's timer does, for scripts and headless Blender: evaluates what changed,
    pushes every changed object at once (no debounce) and waits for the host's answers (at most ``timeout``
    seconds), then applies what the live pull fetched. Returns a summary: ``{state, message, pushed: [{key,
    version, mode ("put", "update"), sent: [parts]}], applied: [{key, object, version, how}], kept: [{key, object,
    version}] (versions not applied because Blender's object changed too: its edit wins), errors: [text],
    watching, ...}`` (and the rest of ``status()``)."""
    if _s.link is None:
        return dict(status(), pushed=[], applied=[], kept=[], errors=["not connected to a Meshport host"])
    bpy.context.view_layer.update()
    return sync_round(bpy.context.scene, wait=True, timeout=timeout)


def sync_round(scene, wait, timeout):
    ln = _s.link
    summary = {"pushed": [], "applied": [], "kept": [], "errors": []}
    settings = scene.meshport
    ln.want_prefix(settings.live_pull_prefix.strip())
    if ln.session != _s.session:  # versions of another session mean nothing here
        _s.session = ln.session
        _s.versions.clear()
    _collect(summary)
    if settings.live_push:
        for key in ln.take_resync():
            _mark_key(scene, key)
        if ln.connected:
            _push_changed(ln, scene, settings, summary, force=wait)
        if wait:
            deadline = time.monotonic() + timeout
            for job, _name in list(_s.in_flight.values()):
                job.done.wait(max(0.0, deadline - time.monotonic()))
            _collect(summary)
    else:
        _s.dirty.clear()
    _apply_arrived(ln, scene, summary)
    summary.update(status())
    return summary


def _mark_key(scene, key):
    for ob in scene.objects:
        if ob.type == 'MESH' and ob.get(geometry.KEY_PROPERTY) == key:
            _mark(ob.name, True)
    _s.synced.discard(key)


def _push_changed(ln, scene, settings, summary, force):
    if not _s.dirty:
        return
    depsgraph = bpy.context.evaluated_depsgraph_get()  # first: evaluating may note more changes
    now = time.monotonic()
    ready = [name for name, (first, last, _g) in _s.dirty.items()
             if force or now - last >= DEBOUNCE_SECONDS or now - first >= MAX_WAIT_SECONDS]
    for name in ready:
        entry = _s.dirty.get(name)
        ob = scene.objects.get(name)
        if entry is None or ob is None or ob.type != 'MESH':
            _s.dirty.pop(name, None)
            continue
        try:
            key = key_of(ob, settings.prefix)
        except ValueError as e:
            _s.dirty.pop(name, None)
            summary["errors"].append("cannot push %s: %s" % (name, e))
            continue
        if key in _s.in_flight:
            continue  # pushed once the push under way has been answered
        del _s.dirty[name]
        if not entry[2] and key in _s.synced:
            job = Job("meta", key, meta=geometry.meta_of(ob))
        else:
            job = Job("push", key, geometry.extract(ob, depsgraph), live=True, keep=True)
        try:
            ln.submit(job)
        except NotConnected:
            _s.dirty[name] = entry
            return
        _s.in_flight[key] = (job, name)


def _collect(summary):
    """The answers to live pushes that have come."""
    for key, (job, name) in list(_s.in_flight.items()):
        if not job.done.is_set():
            continue
        del _s.in_flight[key]
        ob = bpy.data.objects.get(name)
        if job.error is not None:
            _s.synced.discard(key)
            if isinstance(job.error, NotConnected):
                _mark(name, True)  # again once the host is back
            else:
                text = "could not push %s to %s: %s" % (name, key, job.error)
                summary["errors"].append(text)
                sys.stdout.write("Meshport: %s\n" % text)  # one write: the link's thread may be printing too
                sys.stdout.flush()
            continue
        r = job.result
        if r["mode"] == "needs-geometry":
            _s.synced.discard(key)
            _mark(name, True)
            continue
        _s.synced.add(key)
        if r.get("version"):
            _s.versions[key] = max(r["version"], _s.versions.get(key, 0))
        if ob is not None and r.get("version"):
            ob[geometry.KEY_PROPERTY] = key
            ob[geometry.VERSION_PROPERTY] = r["version"]
        if r["mode"] != "unchanged":
            summary["pushed"].append(r)


def _apply_arrived(ln, scene, summary):
    arrived = list(_s.held.items())
    _s.held.clear()
    arrived += ln.take_arrived()
    if not arrived:
        return
    collection = _collection(scene)
    applied = []
    for key, mesh in arrived:
        ob = geometry.find_object(key)
        if mesh["version"] <= _s.versions.get(key, 0) or (
                scene.meshport.live_push and ob is not None and (ob.name in _s.dirty or key in _s.in_flight)):
            # Changed on both sides: Blender's edit wins. It is pushed (whole, the host having moved on), and the
            # version it replaces is not applied, so that Blender and the host end up the same.
            summary["kept"].append({"key": key, "object": ob.name if ob is not None else None, "version": mesh["version"]})
            continue
        try:
            ob, how = geometry.apply(key, mesh, collection)
        except geometry.EditModeError:
            held = _s.held.get(key)
            if held is None or held["version"] < mesh["version"]:
                _s.held[key] = mesh  # once the object leaves edit mode
            continue
        except Exception as e:  # a mesh Blender cannot take: say so, go on with the others
            traceback.print_exc()
            summary["errors"].append("could not apply %s: %r" % (key, e))
            continue
        applied.append((ob, key, mesh["version"]))
        _s.versions[key] = max(mesh["version"], _s.versions.get(key, 0))
        summary["applied"].append({"key": key, "object": ob.name, "version": mesh["version"], "how": how})
    _baselines(scene, applied)


def _redraw_on_change():
    ln = _s.link
    shown = None if ln is None else (ln.state, ln.message, ln.watching)
    if shown == _s.shown:
        return
    _s.shown = shown
    wm = bpy.context.window_manager
    for window in (wm.windows if wm is not None else ()):
        for area in window.screen.areas:
            if area.type == 'VIEW_3D':
                area.tag_redraw()


def wrapped(text, width=32):
    """A status line cut to fit the sidebar."""
    return textwrap.wrap(text, width) or [""]
