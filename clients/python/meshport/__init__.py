"""A client for Meshport hosts: push meshes into a running host's session, read them back, watch
keys change, and drive the host's node graph, from any Python 3.9 or newer with ``cbor2`` (Debian's
``python3-cbor2``). NumPy is used when it is there: arrays go out and come back as NumPy arrays,
copied in bulk; without it, ``array.array`` and lists do the same job. Install it with
``pip install ./clients/python`` from a Meshport checkout, or put ``clients/python`` on ``sys.path``
(in Maya's, Houdini's or Blender's script editor, say).

    import meshport
    with meshport.connect("127.0.0.1", 18830, token=None) as conn:
        conn.put_mesh("geo/tri", positions=[0, 0, 0, 1, 0, 0, 0, 1, 0], indices=[0, 1, 2])
        mesh = conn.get_mesh("geo/tri")            # {"positions": (3, 3) float32 array, ...}
        path = conn.nodes.create("/obj", "scatter", "s1")
        conn.nodes.setParm(path, "source", "geo/tri")
        print(conn.nodes.cook(path))

Errors the host reports raise ``MeshportError`` with the protocol's ``code`` (``NOT_FOUND``,
``BAD_ARGS``, ...). The wire protocol is in docs/protocol.md of the Meshport repository.

A put whose payload is larger than one frame (or than ``upload_threshold``) goes as an upload, in
pieces, resumed after a reconnect, with ``progress=`` and a tqdm bar on a terminal (``put``).

The modules, each with one job: ``_connection`` (the API, one method per op), ``_link`` (the
socket's I/O thread and the requests waiting for replies), ``_reconnect`` (connecting again after a
bye), ``_pending`` (a request waiting for its reply), ``_watch``, ``_service`` (remote services),
``_mesh`` and ``_typed`` (meshes and typed arrays), ``_payload`` (what a put hands its codec, as
buffers not copied), ``_upload`` (a put in pieces), ``_progress`` (the progress callable and bar),
``_frames`` (length-prefixed CBOR), ``_transport`` (TCP and TLS), ``_errors``.
"""
from ._connection import DEFAULT_PORT, Connection, connect
from ._errors import ConnectionClosed, MeshportError
from ._link import PROTOCOL_VERSION
from ._reconnect import PIPELINED_RESEND_BYTES
from ._service import Service
from ._typed import numpy
from ._watch import Watch

__version__ = "0.1.0"

__all__ = ["connect", "Connection", "ConnectionClosed", "MeshportError", "Service", "Watch"]
