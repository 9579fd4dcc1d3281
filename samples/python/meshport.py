"""A client for Meshport hosts: push meshes into a running host's session, read them back, watch
keys change, and drive the host's node graph, from any Python 3 with ``cbor2`` (Debian's
``python3-cbor2``). NumPy is used when it is there: arrays go out and come back as NumPy arrays,
copied in bulk; without it, ``array.array`` and lists do the same job. Paste it into Maya's, Houdini's
or Blender's script editor, or put it next to your script.

    import meshport
    with meshport.connect("127.0.0.1", 18830, token=None) as conn:
        conn.put_mesh("geo/tri", positions=[0, 0, 0, 1, 0, 0, 0, 1, 0], indices=[0, 1, 2])
        mesh = conn.get_mesh("geo/tri")            # {"positions": (3, 3) float32 array, ...}
        path = conn.nodes.create("/obj", "scatter", "s1")
        conn.nodes.setParm(path, "source", "geo/tri")
        print(conn.nodes.cook(path))

Errors the host reports raise ``MeshportError`` with the protocol's ``code`` (``NOT_FOUND``,
``BAD_ARGS``, ...). The wire protocol is in docs/protocol.md of the Meshport repository.
"""
import array
import collections
import hashlib
import hmac
import itertools
import os
import queue
import select
import socket
import ssl
import struct
import sys
import threading
import time

import cbor2

try:
    import numpy
except ImportError:  # the client works without it
    numpy = None

__all__ = ["connect", "Connection", "MeshportError", "Watch"]

PROTOCOL_VERSION = 1
DEFAULT_PORT = 18830
# How many bytes of waiting requests a reconnect sends right behind its hello, before the reply.
PIPELINED_RESEND_BYTES = 1 << 16

# RFC 8746 typed-array tags: (numpy dtype, array.array typecode or None, little-endian)
_TAGS = {
    64: ("u1", "B", True), 72: ("i1", "b", True),
    69: ("<u2", "H", True), 65: (">u2", "H", False), 77: ("<i2", "h", True), 73: (">i2", "h", False),
    70: ("<u4", "I", True), 66: (">u4", "I", False), 78: ("<i4", "i", True), 74: (">i4", "i", False),
    71: ("<u8", "Q", True), 67: (">u8", "Q", False), 79: ("<i8", "q", True), 75: (">i8", "q", False),
    84: ("<f2", None, True), 80: (">f2", None, False),
    85: ("<f4", "f", True), 81: (">f4", "f", False), 86: ("<f8", "d", True), 82: (">f8", "d", False),
}
_FLOAT32_LE, _UINT32_LE, _SINT32_LE = 85, 70, 78


class MeshportError(Exception):
    """An error the host reported: ``code`` (e.g. ``"NOT_FOUND"``), ``message``, ``detail`` (a dict)."""

    def __init__(self, code, message, detail=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.detail = detail or {}


class ConnectionClosed(MeshportError):
    """The connection is closed (by ``close()``, a ``bye`` from the host, or a network failure)."""

    def __init__(self, why):
        super().__init__("CLOSED", why)


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


def _typed(values, dtype, tag, what="the array"):
    """Values as an RFC 8746 typed array of ``tag``: NumPy arrays and lists alike, copied in bulk.
    Integers that the type cannot hold, or fractions where integers are due, raise ValueError:
    NumPy's conversion would wrap or truncate them silently."""
    if numpy is not None:
        src = numpy.asarray(values)
        target = numpy.dtype(dtype)
        if target.kind in "iu" and src.size:
            _check_integers(src, target, what)
        a = numpy.ascontiguousarray(src, dtype=target)
        return cbor2.CBORTag(tag, a.tobytes())
    code = {_FLOAT32_LE: "f", _UINT32_LE: "I", _SINT32_LE: "i"}[tag]
    a = values if isinstance(values, array.array) and values.typecode == code else array.array(code, values)
    if sys.byteorder != "little":
        a = array.array(code, a)
        a.byteswap()
    return cbor2.CBORTag(tag, a.tobytes())


def _check_integers(src, target, what):
    info = numpy.iinfo(target)
    flat = src.reshape(-1)
    if src.dtype.kind == "f":
        bad = numpy.flatnonzero(~numpy.isfinite(flat) | (flat != numpy.round(flat)))
        if bad.size:
            raise ValueError("%s[%d] is %r, not an integer" % (what, bad[0], flat[bad[0]].item()))
    elif src.dtype.kind not in "iub":
        raise ValueError("%s must hold integers, not %s" % (what, src.dtype))
    if src.dtype.kind != "b":
        bad = numpy.flatnonzero((flat < info.min) | (flat > info.max))
        if bad.size:
            raise ValueError("%s[%d] is %s, outside %s's range %d..%d"
                             % (what, bad[0], flat[bad[0]].item(), target.name, info.min, info.max))


def _untyped(value):
    """A typed array back as a NumPy array (or an array.array without NumPy); anything else as is."""
    if isinstance(value, cbor2.CBORTag) and value.tag in _TAGS and isinstance(value.value, (bytes, bytearray)):
        dtype, code, little = _TAGS[value.tag]
        if numpy is not None:
            return numpy.frombuffer(value.value, dtype=numpy.dtype(dtype))
        if code is None:
            raise ValueError("half-precision typed arrays need NumPy")
        a = array.array(code)
        a.frombytes(value.value)
        if little != (sys.byteorder == "little"):
            a.byteswap()
        return a
    return value


def _shape(a, width):
    if numpy is not None and isinstance(a, numpy.ndarray) and width > 1:
        return a.reshape(-1, width)
    return a


def _plain(value):
    """A decoded CBOR value with its typed arrays turned into arrays, recursively."""
    value = _untyped(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Pending(object):
    __slots__ = ("event", "reply", "on_reply", "on_error", "frame")

    def __init__(self, on_reply=None, frame=None, on_error=None):
        self.event = threading.Event()
        self.reply = None
        self.on_reply = on_reply  # runs on the reader thread, before any later frame is read
        self.on_error = on_error  # likewise, when the reply is an error
        self.frame = frame  # sent again after a reconnect


class Watch(object):
    """Changes of the keys under a prefix: iterate it, or call ``next_event(timeout)``; ``close()`` stops it.
    Each event is a dict ``{"key", "version", "change"}`` (``change`` is ``"put"`` or ``"delete"``).

    A watch lasts across reconnects and catches up after one: the keys under the prefix that changed
    while the client was away come as events too (one per key at its current version; a key deleted
    meanwhile as a delete with version 0, its version being unknown), before any later event, all in
    version order. To know what changed, the watch lists the prefix when it starts and after each
    reconnect."""

    def __init__(self, conn, watch_id, prefix):
        self._conn = conn
        self.id = watch_id
        self.prefix = prefix
        self._events = queue.Queue()
        self._known = {}  # I/O thread only: each key under the prefix at the version this watch last knew
        self._held = None  # I/O thread only: events held while a catch-up after a reconnect is under way

    def _event(self, ev):
        """I/O thread: an event of the host for this watch."""
        if self._held is not None:
            self._held.append(ev)  # delivered with the catch-up
            return
        self._saw(ev)
        self._events.put(ev)

    def _saw(self, ev):
        if ev["change"] == "delete":
            self._known.pop(ev["key"], None)
        else:
            self._known[ev["key"]] = ev["version"]

    def _seed(self, rows):
        """I/O thread: the listing made as the watch starts (an event may already have told of newer)."""
        for r in rows:
            if self._known.get(r["key"], 0) < r["version"]:
                self._known[r["key"]] = r["version"]

    def _catch_up(self, rows):
        """I/O thread, after a reconnect: what changed under the prefix meanwhile (the listing against
        what the watch knew), merged with the events held since the renewal, each change once."""
        held, self._held = self._held or [], None
        if self._conn._watches.get(self.id) is not self:
            return  # closed meanwhile
        listed = dict((r["key"], r["version"]) for r in rows)
        told = {}
        deleted = set()
        for ev in held:
            if ev["change"] == "delete":
                deleted.add(ev["key"])
            else:
                told[ev["key"]] = max(told.get(ev["key"], 0), ev["version"])
        out = list(held)
        for key, version in listed.items():
            before = self._known.get(key)
            if (before is None or version > before) and version > told.get(key, 0):
                out.append({"key": key, "version": version, "change": "put"})
        for key in self._known:
            if key not in listed and key not in deleted:
                out.append({"key": key, "version": 0, "change": "delete"})
        out.sort(key=lambda ev: ev["version"])
        self._known = listed
        for ev in out:
            self._events.put(ev)

    def _release(self, _error=None):
        """I/O thread: the catch-up's listing failed; the held events go out as they came."""
        held, self._held = self._held or [], None
        for ev in held:
            self._saw(ev)
            self._events.put(ev)

    def next_event(self, timeout=None):
        """The next event, waiting at most ``timeout`` seconds (None: forever); None on timeout."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def __iter__(self):
        while True:
            ev = self._events.get()
            if ev is None:
                return
            yield ev

    def close(self):
        self._conn._unwatch(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Service(object):
    """An exported service of the host: attribute access makes calls, ``conn.nodes.cook("/obj/s1")``."""

    def __init__(self, conn, name):
        self._conn = conn
        self._name = name

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args):
            return self._conn.call(self._name, method, *args)

        call.__name__ = method
        return call

    def __eq__(self, other):
        return isinstance(other, Service) and other._conn is self._conn and other._name == self._name

    def __hash__(self):
        return hash((id(self._conn), self._name))

    def __repr__(self):
        return "<meshport service %r at %s:%d>" % (self._name, self._conn.host, self._conn.port)


class _FrameReader(object):
    """Cuts the byte stream from the host into frames. A large frame (a mesh) is read straight into a
    buffer of its size: appending pieces to one growing buffer and slicing the frame out of it cost
    three copies of every byte, a third of the time to fetch a million points."""

    LARGE = 1 << 16

    def __init__(self):
        self._buf = bytearray()  # small frames, and the header of the next one
        self._body = None        # the large frame being filled
        self._view = None
        self._filled = 0

    def read_from(self, sock):
        """Reads once from the socket; returns how many bytes came (0 at the end of the stream). Once
        the large frame is complete, what follows it goes to the small buffer, behind it."""
        if self._body is not None and self._filled < len(self._body):
            n = sock.recv_into(self._view[self._filled:])
            self._filled += n
            return n
        chunk = sock.recv(self.LARGE)
        self._buf += chunk
        return len(chunk)

    def frames(self):
        """Yields the body of every frame now complete, in order."""
        while True:
            if self._body is not None:
                if self._filled < len(self._body):
                    return
                body = self._body
                self._view.release()
                self._body = self._view = None
                yield body
                continue
            if len(self._buf) < 4:
                return
            size = struct.unpack_from(">I", self._buf)[0]
            if size >= self.LARGE:
                body = bytearray(size)
                have = min(size, len(self._buf) - 4)
                body[:have] = self._buf[4:4 + have]
                del self._buf[:4 + have]
                self._body, self._view, self._filled = body, memoryview(body), have
                continue
            if len(self._buf) < 4 + size:
                return
            body = bytes(self._buf[4:4 + size])
            del self._buf[:4 + size]
            yield body


class Connection(object):
    """A connection to a Meshport host. Thread safe; replies are matched to requests by id, and watch
    events are delivered to their ``Watch`` objects.

    One I/O thread owns the socket: it writes what requests queue and reads what the host sends, with
    the socket non-blocking under ``select``. Nothing else ever touches the socket, which matters for
    TLS (an SSL object must not be read and written by two threads at once) and for closing (a
    thread blocked in ``recv`` on a closed descriptor can read from whatever socket reuses its number).
    """

    def __init__(self, host, port, token=None, tls=False, cafile=None, pin=None, check_hostname=True, timeout=60.0,
                 client="meshport.py", reconnect=30.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._pending = {}
        self._watches = {}
        self._lock = threading.Lock()
        self._out = collections.deque()  # frames waiting for the I/O thread, guarded by _lock
        self._closed = None
        self._closing = False
        self._tls = (tls, cafile, pin, check_hostname)
        self._reconnect_s = reconnect
        self._ready = False  # reconnect only once the first hello was answered
        self._tag = os.urandom(8).hex()  # request tokens: this connection's writes apply once however often sent
        self.reconnects = 0
        self._hello = {"op": "hello", "version": PROTOCOL_VERSION, "client": client}
        if token is not None:
            self._hello["token"] = token
        sock = self._open(timeout)
        sock.setblocking(False)
        self._sock = sock
        self._wake_r, self._wake_w = socket.socketpair()  # wakes the I/O thread's select
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._io = threading.Thread(target=self._io_loop, name="meshport-io", daemon=True)
        self._io.start()
        try:
            self.info = self._request(dict(self._hello))
        except BaseException:
            self.close()
            raise
        self._ready = True
        self.nodes = Service(self, "nodes")

    def _open(self, timeout):
        """A new socket to the host (TLS wrapped when asked), blocking, connected."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            sock.close()
            raise
        tls, cafile, pin, check_hostname = self._tls
        if tls:
            sock = self._wrap(sock, self.host, cafile, pin, check_hostname)
        return sock

    @staticmethod
    def _wrap(sock, host, cafile, pin, check_hostname):
        if pin is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE  # checked below against the pin instead
        else:
            ctx = ssl.create_default_context(cafile=cafile)
            ctx.check_hostname = check_hostname
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            wrapped = ctx.wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        if pin is not None:
            got = hashlib.sha256(wrapped.getpeercert(binary_form=True)).hexdigest()
            want = pin.replace(":", "").strip().lower()
            if not hmac.compare_digest(got, want):
                wrapped.close()
                raise ssl.SSLError("the host's certificate is %s, not the pinned %s" % (got, want))
        return wrapped

    # ------------------------------------------------------------------ plumbing

    @staticmethod
    def _framed(message):
        body = cbor2.dumps(message)
        return struct.pack(">I", len(body)) + body

    def _send(self, frame):
        with self._lock:
            if self._closed is not None:
                raise ConnectionClosed(self._closed)
            self._out.append(frame)
        self._wake()

    def _wake(self):
        try:
            self._wake_w.send(b"x")
        except OSError:  # full (it is awake anyway) or closed
            pass

    def _request(self, message, timeout=None, on_reply=None):
        if self._closed is not None:
            raise ConnectionClosed(self._closed)
        rid = next(self._ids)
        message["id"] = rid
        if message.get("op") in ("put", "delete"):
            message["requestToken"] = "%s:%d" % (self._tag, rid)
        if "body" in message:
            # Last in the map: the host starts decoding a large body while it still arrives only when
            # nothing follows it.
            message["body"] = message.pop("body")
        p = _Pending(on_reply, self._framed(message))
        with self._lock:
            self._pending[rid] = p
        try:
            self._send(p.frame)
        except ConnectionClosed:
            with self._lock:
                self._pending.pop(rid, None)
            raise
        if not p.event.wait(self.timeout if timeout is None else timeout):
            with self._lock:
                self._pending.pop(rid, None)
            raise TimeoutError("no reply to %s within %s s" % (message.get("op"), self.timeout if timeout is None else timeout))
        reply = p.reply
        if reply is None:
            raise ConnectionClosed(self._closed)
        if not reply.get("ok"):
            err = reply.get("error") or {}
            raise MeshportError(err.get("code", "INTERNAL"), err.get("message", ""), err.get("detail"))
        return reply.get("result")

    def _io_loop(self):
        sock = self._sock
        while True:
            why = self._pump(sock)
            if self._closing or not self._ready or self._reconnect_s <= 0:
                break
            try:
                sock.close()
            except OSError:
                pass
            sock, failed = self._reconnect(why)
            if sock is None:
                why = failed
                break
            self._sock = sock
        self._shutdown(why)

    def _pump(self, sock):
        """Serves one socket until it ends; returns why it ended."""
        why = "the host closed the connection"
        frames = _FrameReader()
        out = memoryview(b"")
        try:
            while not self._closing:
                with self._lock:
                    if not out and self._out:
                        out = memoryview(b"".join(self._out))
                        self._out.clear()
                # Bytes TLS has already decrypted (a reply read together with the hello's, after a
                # reconnect) are not seen by select: read them first.
                held = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
                readable, writable, _ = select.select([sock, self._wake_r], [sock] if out else [], [], 0 if held else None)
                if held and sock not in readable:
                    readable = readable + [sock]
                if self._wake_r in readable:
                    try:
                        while self._wake_r.recv(4096):
                            pass
                    except OSError:
                        pass
                if out and sock in writable:
                    try:
                        n = sock.send(out[:1 << 20])
                        out = out[n:]
                    except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                        pass
                if sock in readable:
                    eof = False
                    got = 0
                    # Read until the socket has no more (TLS may also hold decrypted bytes that select
                    # does not see): one read per select took 60 ms for a 36 MB reply, against 35 ms.
                    # At most 8 MB a turn, so that writes and wake-ups are not kept waiting.
                    while got < 1 << 23:
                        try:
                            n = frames.read_from(sock)
                        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                            break
                        if n == 0:
                            eof = True
                            break
                        got += n
                    bye = None
                    for frame in frames.frames():
                        bye = self._frame(frame)
                        if bye is not None:
                            break
                    if bye is not None:
                        return bye
                    if eof:
                        return why
        except (OSError, ValueError) as e:
            if self._closed is None:
                return "connection lost: %s" % e
        return why

    def _reconnect(self, why):
        """On the I/O thread, after the connection ended: connects again and says hello, then queues
        the watches' renewals and every request still waiting, in the order they were first sent.
        Returns ``(socket, None)``, or ``(None, why not)`` once ``reconnect`` seconds have passed."""
        deadline = time.monotonic() + self._reconnect_s
        delay = 0.01
        last = why
        while not self._closing and time.monotonic() < deadline:
            # The first requests still waiting go right behind the hello, not after its reply: after a
            # hot swap the host answers them together, a round trip sooner. Only as many as the socket's
            # buffers take at once (PIPELINED_RESEND_BYTES), since nothing reads their replies until the
            # hello's has come; the rest follow in the order first sent, as the Java client does.
            with self._lock:
                early, size = [], 0
                for rid in sorted(self._pending):
                    size += len(self._pending[rid].frame)
                    if size > PIPELINED_RESEND_BYTES:
                        break
                    early.append(rid)
                behind = b"".join(self._pending[rid].frame for rid in early)
            try:
                sock = self._open(min(self.timeout, max(0.1, deadline - time.monotonic())))
                try:
                    info = self._handshake(sock, behind)
                    sock.setblocking(False)
                except MeshportError as e:
                    sock.close()
                    return None, "reconnecting after '%s': the host refused the hello: %s" % (why, e)
                except BaseException:
                    sock.close()
                    raise
            except (OSError, ValueError, EOFError) as e:  # refused while the host restarts: again, a little later
                last = str(e)
                time.sleep(delay)
                delay = min(2 * delay, 0.25)
                continue
            self.info = info
            self.reconnects += 1
            with self._lock:
                self._out.clear()  # whatever was queued is in _pending too
                watches, self._watches = list(self._watches.values()), {}
                for w in watches:  # the host gives each a new id; then what changed meanwhile
                    rid = next(self._ids)
                    p = _Pending(self._renewal(w), self._framed({"op": "watch", "prefix": w.prefix, "id": rid}))
                    self._pending[rid] = p
                    rid = next(self._ids)
                    p = _Pending(w._catch_up, self._framed({"op": "list", "prefix": w.prefix, "id": rid}), w._release)
                    self._pending[rid] = p
                sent = set(early)
                for rid in sorted(self._pending):
                    if rid not in sent:
                        self._out.append(self._pending[rid].frame)
            return sock, None
        return None, "the connection ended (%s) and no new one could be made within %s s: %s" % (why, self._reconnect_s, last)

    def _renewal(self, w):
        def renewed(result):
            w.id = result["watch"]
            if w._held is None:
                w._held = []  # until the catch-up that follows
            with self._lock:
                self._watches[w.id] = w
        return renewed

    def _handshake(self, sock, behind=b""):
        """Says hello on a new blocking socket, followed by ``behind`` (framed requests whose replies
        come after the hello's, read by the I/O loop), and returns the host's answer."""
        sock.settimeout(self.timeout)
        rid = next(self._ids)
        sock.sendall(self._framed(dict(self._hello, id=rid)) + behind)
        for _ in range(16):  # nothing but the reply is expected; a bye ends it
            (n,) = struct.unpack(">I", self._recv_exactly(sock, 4))
            frame = cbor2.loads(self._recv_exactly(sock, n))
            if frame.get("op") == "bye":
                raise EOFError("the host said bye: %s" % frame.get("reason"))
            if frame.get("id") == rid:
                if not frame.get("ok"):
                    err = frame.get("error") or {}
                    raise MeshportError(err.get("code", "INTERNAL"), err.get("message", ""), err.get("detail"))
                return frame.get("result")
        raise EOFError("no reply to hello")

    @staticmethod
    def _recv_exactly(sock, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = sock.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise EOFError("the host closed the connection")
            buf += chunk
        return bytes(buf)

    def _frame(self, data):
        """Handles one frame; returns a reason when the host said bye (or sent an error without an id)."""
        # cbor2 reads bytes in place but copies a bytearray into a BytesIO first, and then reads it
        # slowly: for a 36 MB frame, 7 ms from bytes against 35-50 ms from the bytearray (and 4 ms to
        # copy it into bytes).
        frame = cbor2.loads(data if isinstance(data, bytes) else bytes(data))
        op = frame.get("op")
        if op == "event":
            w = self._watches.get(frame.get("watch"))
            if w is not None:
                w._event({"key": frame.get("key"), "version": frame.get("version"), "change": frame.get("change")})
        elif op == "bye":
            return "the host said bye: %s" % frame.get("reason")
        elif "id" in frame:
            with self._lock:
                p = self._pending.pop(frame["id"], None)
            if p is not None:
                p.reply = frame
                if p.on_reply is not None and frame.get("ok"):
                    p.on_reply(frame.get("result"))
                elif p.on_error is not None and not frame.get("ok"):
                    p.on_error(frame.get("error"))
                p.event.set()
        elif not frame.get("ok", True):
            err = frame.get("error") or {}
            return "%s: %s" % (err.get("code"), err.get("message"))
        return None

    def _shutdown(self, why):
        """Runs on the I/O thread as it ends: only it ever closes the socket."""
        with self._lock:
            if self._closed is None:
                self._closed = why
            pending, self._pending = self._pending, {}
            self._out.clear()
        for s in (self._sock, self._wake_r):
            try:
                s.close()
            except OSError:
                pass
        for p in pending.values():
            p.event.set()  # reply stays None: ConnectionClosed
        for w in list(self._watches.values()):
            w._events.put(None)

    def close(self):
        """Closes the connection; requests still waiting raise ``ConnectionClosed``."""
        with self._lock:
            if self._closed is None:
                self._closed = "closed by the client"
        self._closing = True
        self._wake()
        if threading.current_thread() is not self._io:
            self._io.join(10)
        try:
            self._wake_w.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

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
        body = {"positions": _typed(positions, "<f4", _FLOAT32_LE)}
        if indices is not None:
            body["indices"] = _typed(indices, "<u4", _UINT32_LE, "indices")
        if face_counts is not None:
            body["faceCounts"] = _typed(face_counts, "<u4", _UINT32_LE, "face_counts")
        if attributes:
            body["attributes"] = {n: self._attribute(n, a) for n, a in attributes.items()}
        if name is not None:
            body["name"] = name
        return self.put(key, body, codec="mesh", if_version=if_version)

    @staticmethod
    def _attribute(name, a):
        if isinstance(a, dict):
            owner, size, data = a["owner"], a.get("size", 1), a["data"]
        else:
            owner, size, data = a
        is_int = False
        if numpy is not None and isinstance(data, numpy.ndarray):
            is_int = numpy.issubdtype(data.dtype, numpy.integer)
        elif isinstance(data, array.array):
            is_int = data.typecode in "bBhHiIlLqQ"
        else:
            data = list(data)
            is_int = all(isinstance(v, int) and not isinstance(v, bool) for v in data)
        if is_int:
            return {"owner": owner, "size": size, "type": "int", "data": _typed(data, "<i4", _SINT32_LE, "attributes[%r]" % name)}
        return {"owner": owner, "size": size, "type": "float", "data": _typed(data, "<f4", _FLOAT32_LE)}

    def update_positions(self, key, base, positions):
        """Replaces the positions of the mesh at ``key``, which must be at version ``base``; faces and
        the other attributes stay. Returns the put's result."""
        return self.put(key, {"base": base, "positions": _typed(positions, "<f4", _FLOAT32_LE)}, codec="mesh")

    def get(self, key, codec=None):
        """The value at ``key`` as ``{key, version, codec, body}``, typed arrays as arrays."""
        m = {"op": "get", "key": key}
        if codec is not None:
            m["codec"] = codec
        r = self._request(m)
        r["body"] = _plain(r["body"])
        return r

    def get_mesh(self, key):
        """The mesh at ``key``: ``{"positions": (P, 3) float32, "indices", "faceCounts", "attributes":
        {name: {"owner", "size", "data"}}, "name", "meta", "version"}`` with NumPy arrays (shaped by
        tuple size) when NumPy is there, ``array.array`` otherwise; absent parts are absent."""
        return self._mesh(self.get(key, codec="mesh"))

    @staticmethod
    def _mesh(entry):
        body = entry["body"] if "body" in entry else entry
        out = dict(body)
        out["positions"] = _shape(body["positions"], 3)
        for a in (out.get("attributes") or {}).values():
            a["data"] = _shape(a["data"], a.get("size", 1))
        if "version" in entry:
            out["version"] = entry["version"]
        return out

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
        w = Watch(self, None, prefix)

        def registered(result):  # on the reader thread: events may follow the reply at once
            w.id = result["watch"]
            with self._lock:
                self._watches[w.id] = w

        self._request({"op": "watch", "prefix": prefix}, on_reply=registered)
        self._request({"op": "list", "prefix": prefix}, on_reply=w._seed)
        return w

    def _unwatch(self, w):
        with self._lock:
            self._watches.pop(w.id, None)
        w._events.put(None)
        if self._closed is None:
            try:
                self._request({"op": "unwatch", "watch": w.id})
            except MeshportError as e:
                if e.code != "NOT_FOUND":  # a reconnect may have ended it already
                    raise

    def call(self, service, method, *args):
        """Calls ``method`` of the exported ``service`` with ``args``; returns its result, typed arrays
        as arrays and meshes as dicts (see ``get_mesh``)."""
        return _plain(self._request({"op": "call", "service": service, "method": method, "args": list(args)}))

    def service(self, name):
        """An exported service as an object whose methods make calls: ``conn.service("nodes").types()``."""
        return Service(self, name)

    def node_output(self, path):
        """The output geometry of a node as a mesh dict (see ``get_mesh``), or None when it has none."""
        out = self.call("nodes", "output", path)
        return None if out is None else self._mesh(out)
