"""The scene's Meshport settings (``scene.meshport``) and the "Meshport" tab of the 3D view's sidebar."""
import bpy
from bpy.props import BoolProperty, IntProperty, PointerProperty, StringProperty

from . import live


class MeshportSettings(bpy.types.PropertyGroup):
    host: StringProperty(name="Host", default="127.0.0.1", description="The Meshport host's address")
    port: IntProperty(name="Port", default=18830, min=1, max=65535, description="The Meshport host's port")
    prefix: StringProperty(name="Prefix", default="blender/",
                           description="Pushed objects go to this prefix followed by their name")
    pull_key: StringProperty(name="Key", description="The session key to pull, e.g. geo/scan")
    live_push: BoolProperty(
        name="Live push", default=False,
        description="Push mesh objects whose mesh or placement changed, once they are still for a moment: "
                    "only what changed when the faces are the same")
    live_pull_prefix: StringProperty(
        name="Live pull", default="",
        description="Apply the host's new versions of the keys under this prefix to their objects (empty: off)")


class VIEW3D_PT_meshport(bpy.types.Panel):
    bl_label = "Meshport"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Meshport"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.meshport
        st = live.status()
        state = st["state"]
        box = layout.box()
        icon = {"connected": 'LINKED', "lost": 'ERROR', "failed": 'ERROR', "connecting": 'TIME'}.get(state, 'UNLINKED')
        box.label(text=state.capitalize(), icon=icon)
        for line in live.wrapped(st["message"]):
            box.label(text=line)
        if st["watching"]:
            box.label(text="Live pull: watching %s" % st["watching"])

        col = layout.column(align=True)
        col.enabled = state in ("closed", "failed")
        col.prop(settings, "host")
        col.prop(settings, "port")
        col.prop(context.window_manager, "meshport_token")
        if state in ("closed", "failed"):
            layout.operator("meshport.connect", icon='LINKED')
        else:
            layout.operator("meshport.disconnect", icon='UNLINKED')

        up = layout.column()
        up.enabled = state == "connected"
        up.prop(settings, "prefix")
        up.operator("meshport.push", icon='EXPORT').prefix = settings.prefix
        up.prop(settings, "pull_key")
        up.operator("meshport.pull", icon='IMPORT').key = settings.pull_key

        layout.separator()
        layout.prop(settings, "live_push")
        layout.prop(settings, "live_pull_prefix")


CLASSES = (MeshportSettings, VIEW3D_PT_meshport)


def register_properties():
    bpy.types.Scene.meshport = PointerProperty(type=MeshportSettings)
    # On the window manager, which is not saved with the .blend file: the token stays out of it.
    bpy.types.WindowManager.meshport_token = StringProperty(
        name="Token", subtype='PASSWORD', description="The host's token, when it has one (not saved with the file)")


def unregister_properties():
    del bpy.types.WindowManager.meshport_token
    del bpy.types.Scene.meshport
