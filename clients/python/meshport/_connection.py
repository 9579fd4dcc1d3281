"""The client's API: ``connect`` and ``Connection``, one method per op of the protocol."""
from . import _mesh, _upload
from ._link import Link
from ._payload import payload_of
from ._progress import Progress
from ._service import Service
from ._typed import plain

DEFAULT_PORT = 18830


def connect(host="127.0.0.1", port=DEFAULT_PORT, token=None, tls=False, cafile=None, pin=None, check_hostname=True,
            timeout=60.0, client="meshport.py", reconnect=30.0, upload_threshold=None, progress_bar=True):
    """Connects and says hello.

    token: the host's token, if it has one. tls: True to speak TLS, trusting ``cafile`` (a PEM file of
    the CA, or of the host's own certificate) or else the system's CAs, and checking that the
    certificate names ``host`` (unless ``check_hostname`` is False); or, with ``pin`` (the host
    certificate's SHA-256, hex, colons allowed, as ``openssl x509 -noout -fingerprint -sha256``
    prints it), accepting exactly that certificate. timeout: seconds to wait for each reply.
    reconnect: when the host says bye (its listener is being updated, say) or the connection breaks,
    how many seconds to keep trying to connect again; requests waiting meanwhile are sent again and
    watches renewed, and puts, deletes and commits carry a request token, so that none applies twice. 0: no
    reconnecting, ``ConnectionClosed`` instead.
    upload_threshold: payload bytes above which a put goes as an upload, in pieces (see ``put``); None:
    only a payload larger than one frame does. progress_bar: False for no progress bar, ever (by
    default an upload shows one on a terminal when tqdm can be imported).
    """
    return Connection(host, port, token=token, tls=tls or pin is not None or cafile is not None, cafile=cafile, pin=pin,
                      check_hostname=check_hostname, timeout=timeout, client=client, reconnect=reconnect,
                      upload_threshold=upload_threshold, progress_bar=progress_bar)


class Connection(object):
    """A connection to a Meshport host, one method per op: puts, gets, lists, watches and calls.
    Thread safe; replies are matched to requests by id, and watch events are delivered to their
    ``Watch`` objects. ``info`` is the host's answer to the last hello, ``reconnects`` how many times
    the connection was made again, ``nodes`` the host's node graph (a ``Service``).
    ``upload_threshold`` and ``progress_bar``: as given to ``connect``, and may be changed."""

    def __init__(self, host, port, token=None, tls=False, cafile=None, pin=None, check_hostname=True, timeout=60.0,
                 client="meshport.py", reconnect=30.0, upload_threshold=None, progress_bar=True):
        self.host = host
        self.port = port
        self.upload_threshold = upload_threshold
        self.progress_bar = progress_bar
        self._link = Link(host, port, token=token, tls=tls, cafile=cafile, pin=pin, check_hostname=check_hostname,
                          timeout=timeout, client=client, reconnect=reconnect)
        self.nodes = Service(self, "nodes")

    @property
    def timeout(self):
        """Seconds to wait for each reply."""
        return self._link.timeout

    @timeout.setter
    def timeout(self, seconds):
        self._link.timeout = seconds

    @property
    def info(self):
        """The host's answer to the last hello: ``{server, protocol, session, codecs, services, maxFrameBytes, uploads}``."""
        return self._link.info

    @property
    def reconnects(self):
        """How many times the connection was made again after a bye or a failure."""
        return self._link.reconnects

    def close(self):
        """Closes the connection; requests still waiting raise ``ConnectionClosed``."""
        self._link.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, message, timeout=None, on_reply=None):
        return self._link._request(message, timeout=timeout, on_reply=on_reply)

    # ------------------------------------------------------------------ ops

    def ping(self):
        """The host's clock, epoch milliseconds."""
        return self._request({"op": "ping"})["time"]

    def print(self, text):
        """Prints ``text`` on the host's console."""
        self._request({"op": "print", "text": text})

    def put(self, key, value, codec="cbor", if_version=None, progress=None, upload_threshold=None, resume=None):
        """Puts a value: any CBOR-able value with codec ``cbor``, ``bytes`` with codec ``bytes`` or a
        file's bytes with a third-party codec (e.g. ``"ply"``). Returns ``{key, version, kind, summary}``.

        A payload larger than one frame (the host's ``maxFrameBytes``), or than ``upload_threshold``
        bytes (default: the connection's), goes as an **upload** when the host takes them: in pieces
        of the size the host asks for, one at a time, resumed by itself after a reconnect (at most one
        piece is sent again), and stored at once at the end. ``progress``: a callable, called with
        ``(sent, total)``: the payload bytes the host holds (first 0, or what a resumed upload holds),
        and ``(total, total)`` last, before the host decodes and stores the payload; a put in one frame
        calls it with 0 and with the total too. A progress callable that raises stops the upload (the
        host drops it) and the put raises that. On a terminal, an upload also shows a tqdm bar when
        tqdm can be imported (``progress_bar=False`` on ``connect`` turns it off).

        Errors are the host's (``MeshportError``: ``NO_CODEC`` or ``OVERLOADED`` at the start, the
        codec's error at the end); an upload that failed so is dropped on the host. When the
        connection is gone or a reply does not come, ``ConnectionClosed`` or ``TimeoutError`` say the
        upload's id (their ``upload``) and the bytes the host holds (``received``): the same put with
        ``resume=`` that id, on this or another connection, sends only the rest. The arrays and bytes
        given are read while the put runs, not copied first: change them only once it returned."""
        m = {"op": "put", "key": key, "codec": codec}
        if if_version is not None:
            m["ifVersion"] = if_version
        return self._put(m, payload_of(value, codec), progress, upload_threshold, resume)

    def _put(self, message, payload, progress, upload_threshold, resume):
        """A put of ``payload``: in one frame, or as an upload (see ``put``)."""
        threshold = self.upload_threshold if upload_threshold is None else upload_threshold
        key, codec = message["key"], message["codec"]
        if _upload.goes_as_upload(self._link.info, message, payload, threshold, resume):
            up = _upload.Upload(self._link, key, codec, payload, message.get("ifVersion"), progress, self.progress_bar)
            return up.run(resume)
        report = Progress(progress, payload.size, key)
        report(0)
        r = self._link._request(message, last=("body", payload.body()))
        report(payload.size)
        return r

    def put_mesh(self, key, positions, indices=None, face_counts=None, attributes=None, name=None, if_version=None,
                 progress=None, upload_threshold=None, resume=None):
        """Puts a mesh. ``positions``: x y z per point (a NumPy array of any shape, or a flat list);
        ``indices``: the vertex list (point numbers), None for a point cloud; ``face_counts``: vertices
        per face, None for triangles; ``attributes``: ``{name: (owner, size, data)}`` or
        ``{name: {"owner": ..., "size": ..., "data": ...}}``, owner being point, vertex, face or detail,
        data floats or ints (ints stay ints). Arrays travel as typed arrays; a NumPy array that already
        is contiguous little-endian float32 (int32, uint32 for indices) is sent from its own memory.
        Returns the put's result. A large mesh goes as an upload: ``progress``, ``upload_threshold``
        and ``resume`` are as for ``put``."""
        body = _mesh.mesh_body(positions, indices, face_counts, attributes, name)
        return self.put(key, body, codec="mesh", if_version=if_version, progress=progress,
                        upload_threshold=upload_threshold, resume=resume)

    def update_positions(self, key, base, positions, progress=None, upload_threshold=None, resume=None):
        """Replaces the positions of the mesh at ``key``, which must be at version ``base``; faces and
        the other attributes stay. Returns the put's result; ``progress``, ``upload_threshold`` and
        ``resume`` as for ``put``."""
        return self.put(key, _mesh.positions_update(base, positions), codec="mesh", progress=progress,
                        upload_threshold=upload_threshold, resume=resume)

    def upload_state(self, upload):
        """Where the upload ``upload`` (an id) stands: ``{upload, key, codec, size, received}``."""
        return self._request({"op": "upload", "upload": upload})

    def abort_upload(self, upload):
        """Drops the upload ``upload`` (an id) that a put left open, and the memory the host holds for it."""
        self._request({"op": "abort", "upload": upload})

    def get(self, key, codec=None):
        """The value at ``key`` as ``{key, version, codec, body}``, typed arrays as arrays."""
        m = {"op": "get", "key": key}
        if codec is not None:
            m["codec"] = codec
        r = self._request(m)
        r["body"] = plain(r["body"])
        return r

    def get_mesh(self, key):
        """The mesh at ``key``: ``{"positions": (P, 3) float32, "indices", "faceCounts", "attributes":
        {name: {"owner", "size", "data"}}, "name", "meta", "version"}`` with NumPy arrays (shaped by
        tuple size) when NumPy is there, ``array.array`` otherwise; absent parts are absent."""
        return _mesh.mesh_of(self.get(key, codec="mesh"))

    def delete(self, key, if_version=None):
        """Deletes ``key``; returns the version of the delete."""
        m = {"op": "delete", "key": key}
        if if_version is not None:
            m["ifVersion"] = if_version
        return self._request(m)["version"]

    def list(self, prefix=""):
        """The entries under ``prefix``: ``[{key, version, kind, codec, bytes, updated}]`` sorted by key."""
        return self._request({"op": "list", "prefix": prefix})

    def watch(self, prefix):
        """Watches the keys under ``prefix``; returns a ``Watch``."""
        return self._link.watch(prefix)

    def call(self, service, method, *args):
        """Calls ``method`` of the exported ``service`` with ``args``; returns its result, typed arrays
        as arrays and meshes as dicts (see ``get_mesh``)."""
        return plain(self._request({"op": "call", "service": service, "method": method, "args": list(args)}))

    def service(self, name):
        """An exported service as an object whose methods make calls: ``conn.service("nodes").types()``."""
        return Service(self, name)

    def node_output(self, path):
        """The output geometry of a node as a mesh dict (see ``get_mesh``), or None when it has none."""
        out = self.call("nodes", "output", path)
        return None if out is None else _mesh.mesh_of(out)

