"""The Python client of clients/python: the copy the installable zip carries (``meshport_live_link.meshport``),
else a ``meshport`` package on ``sys.path`` (the add-on run from a checkout, with clients/python on the path)."""
import importlib
import importlib.util
import sys


def _load():
    name = __package__ + ".meshport"
    if importlib.util.find_spec(name) is None:
        name = "meshport"
    try:
        return importlib.import_module(name)
    except ImportError as e:
        if e.name == "cbor2":
            raise ImportError(
                "the Meshport live link needs the Python package cbor2 in Blender's Python %s: with Debian's Blender, "
                "apt-get install python3-cbor2; with Blender from blender.org, run %s -m pip install cbor2"
                % (sys.version.split()[0], sys.executable)) from e
        if name == "meshport" and e.name == "meshport":
            raise ImportError(
                "the Meshport live link has no Meshport client: install the add-on from its zip "
                "(mvn install makes clients/blender/target/meshport_live_link-VERSION.zip), or put clients/python "
                "on sys.path") from e
        raise


client = _load()
