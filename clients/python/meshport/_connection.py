"""The client's API: ``connect`` and ``Connection``, one method per op of the protocol."""
from . import _mesh
from ._link import Link
from ._service import Service
from ._typed import plain

DEFAULT_PORT = 18830


def connect(host="127.0.0.1", port=DEFAULT_PORT, token=None, tls=False, cafile=None, pin=None, check_hostname=True,
            timeout=60.0, client="meshport.py", reconnect=30.0):
    """Connects and says hello.

    token: the host's token, if it has one. tls: True to speak TLS, trusting ``cafile`` (a PEM file of
    the CA, or of the host's own certificate) or else the system's CAs, and checking that the
    certificate names ``host`` (unless ``check_hostname`` is False); or, with ``pin`` (the host
    certificate's SHA-256, hex, colons allowed, as ``openssl x509 -noout -fingerprint -sha256``
    prints it), accepting exactly that certificate. timeout: seconds to wait for each reply.
    reconnect: when the host says bye (its listener is being updated, say) or the connection breaks,
    how many seconds to keep trying to connect again; requests waiting meanwhile are sent again and
    watches renewed, and puts and deletes carry a request token, so that none applies twice. 0: no
    reconnecting, ``ConnectionClosed`` instead.
    """
    return Connection(host, port, token=token, tls=tls or pin is not None or cafile is not None, cafile=cafile, pin=pin,
                      check_hostname=check_hostname, timeout=timeout, client=client, reconnect=reconnect)


class Connection(object):
    """A connection to a Meshport host, one method per op: puts, gets, lists, watches and calls.
    Thread safe; replies are matched to requests by id, and watch events are delivered to their
    ``Watch`` objects. ``info`` is the host's answer to the last hello, ``reconnects`` how many times
    the connection was made again, ``nodes`` the host's node graph (a ``Service``)."""

    def __init__(self, host, port, token=None, tls=False, cafile=None, pin=None, check_hostname=True, timeout=60.0,
                 client="meshport.py", reconnect=30.0):
        self.host = host
        self.port = port
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
        """The host's answer to the last hello: ``{server, protocol, session, codecs, services, maxFrameBytes}``."""
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

    def put(self, key, value, codec="cbor", if_version=None):
        """Puts a value: any CBOR-able value with codec ``cbor``, ``bytes`` with codec ``bytes`` or a
        file's bytes with a third-party codec (e.g. ``"ply"``). Returns ``{key, version, kind, summary}``."""
        m = {"op": "put", "key": key, "codec": codec, "body": value}
        if if_version is not None:
            m["ifVersion"] = if_version
        return self._request(m)

    def put_mesh(self, key, positions, indices=None, face_counts=None, attributes=None, name=None, if_version=None):
        """Puts a mesh. ``positions``: x y z per point (a NumPy array of any shape, or a flat list);
        ``indices``: the vertex list (point numbers), None for a point cloud; ``face_counts``: vertices
        per face, None for triangles; ``attributes``: ``{name: (owner, size, data)}`` or
        ``{name: {"owner": ..., "size": ..., "data": ...}}``, owner being point, vertex, face or detail,
        data floats or ints (ints stay ints). Arrays travel as typed arrays. Returns the put's result."""
        body = _mesh.mesh_body(positions, indices, face_counts, attributes, name)
        return self.put(key, body, codec="mesh", if_version=if_version)

    def update_positions(self, key, base, positions):
        """Replaces the positions of the mesh at ``key``, which must be at version ``base``; faces and
        the other attributes stay. Returns the put's result."""
        return self.put(key, _mesh.positions_update(base, positions), codec="mesh")

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

