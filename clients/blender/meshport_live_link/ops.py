"""The operators: meshport.connect, meshport.disconnect, meshport.push, meshport.pull. Each reports what it did;
a failure is an error report, which ``bpy.ops`` raises as RuntimeError in scripts."""
import bpy
from bpy.props import FloatProperty, IntProperty, StringProperty

from . import geometry, live
from .link import NotConnected
from ._client import client

_FAILURES = (NotConnected, ValueError, TimeoutError, client.MeshportError, OSError, geometry.EditModeError)


class MESHPORT_OT_connect(bpy.types.Operator):
    """Connect to a Meshport host (the live link reconnects by itself when the host goes away)"""
    bl_idname = "meshport.connect"
    bl_label = "Connect"

    host: StringProperty(name="Host", description="The host's address (empty: the scene's Meshport settings)")
    port: IntProperty(name="Port", description="The host's port (0: the scene's Meshport settings)", min=0, max=65535)
    token: StringProperty(name="Token", subtype='PASSWORD', options={'SKIP_SAVE'},
                          description="The host's token, when it has one (empty: the one typed in the panel)")
    timeout: FloatProperty(name="Timeout", default=30.0, min=1.0, max=600.0,
                           description="Seconds to wait for each answer of the host")

    def execute(self, context):
        settings = context.scene.meshport
        if self.host:
            settings.host = self.host
        if self.port:
            settings.port = self.port
        token = self.token or context.window_manager.meshport_token or None
        try:
            ln = live.connect(settings.host, settings.port, token=token, timeout=self.timeout)
        except NotConnected as e:
            self.report({'ERROR'}, str(e))
            return {'CANCELLED'}
        self.report({'INFO'}, ln.message)
        return {'FINISHED'}


class MESHPORT_OT_disconnect(bpy.types.Operator):
    """Disconnect from the Meshport host"""
    bl_idname = "meshport.disconnect"
    bl_label = "Disconnect"

    def execute(self, context):
        was = live.disconnect()
        self.report({'INFO'}, "disconnected" if was else "was not connected")
        return {'FINISHED'}


class MESHPORT_OT_push(bpy.types.Operator):
    """Push the selected mesh objects, modifiers applied, to the host's session under a prefix"""
    bl_idname = "meshport.push"
    bl_label = "Push selected"

    prefix: StringProperty(name="Prefix", default="blender/",
                           description="Each object goes to this prefix followed by its name")
    timeout: FloatProperty(name="Timeout", default=60.0, min=1.0, max=600.0,
                           description="Seconds to wait for the host's answers")

    def execute(self, context):
        objects = [ob for ob in context.selected_objects if ob.type == 'MESH']
        if not objects:
            self.report({'ERROR'}, "nothing to push: select one or more mesh objects")
            return {'CANCELLED'}
        try:
            results, failures = live.push(objects, self.prefix, context.scene, self.timeout)
        except _FAILURES as e:
            self.report({'ERROR'}, "push failed: %s" % e)
            return {'CANCELLED'}
        for r in results:
            s = r.get("summary") or {}
            self.report({'INFO'}, "pushed %s: version %d, %s points, %s faces"
                        % (r["key"], r["version"], s.get("points", "?"), s.get("faces", "?")))
        if failures:
            self.report({'ERROR'}, "; ".join("could not push %s: %s" % (name, e) for name, e in failures))
            return {'CANCELLED'} if not results else {'FINISHED'}
        return {'FINISHED'}


class MESHPORT_OT_pull(bpy.types.Operator):
    """Pull a key of the host's session into the object named after its last segment (made when missing)"""
    bl_idname = "meshport.pull"
    bl_label = "Pull"

    key: StringProperty(name="Key", description="The session key, e.g. geo/scan (empty: the one in the panel)")
    timeout: FloatProperty(name="Timeout", default=60.0, min=1.0, max=600.0,
                           description="Seconds to wait for the host's answer")

    def execute(self, context):
        key = self.key or context.scene.meshport.pull_key
        try:
            ob, how, version = live.pull(key, context.scene, self.timeout)
        except _FAILURES as e:
            self.report({'ERROR'}, "could not pull %s: %s" % (key or "(no key)", e))
            return {'CANCELLED'}
        self.report({'INFO'}, "pulled %s version %d: %s %s" % (key, version, how, ob.name))
        return {'FINISHED'}


CLASSES = (MESHPORT_OT_connect, MESHPORT_OT_disconnect, MESHPORT_OT_push, MESHPORT_OT_pull)
