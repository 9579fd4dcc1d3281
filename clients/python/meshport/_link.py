"""The link to the host: one I/O thread owning the socket, and the requests waiting for their replies.

A ``Connection`` speaks through a ``Link``. When the host says ``bye`` or the connection breaks, the
link's reconnect machine (``Reconnecting``, in ``_reconnect``) makes a new one and the link goes on.
"""
import collections
import itertools
import os
import select
import socket
import ssl
import threading

import cbor2

from ._errors import ConnectionClosed, MeshportError
from ._frames import FrameReader, framed
from ._pending import _Pending
from ._reconnect import Reconnecting
from ._transport import Transport
from ._watch import Watch

PROTOCOL_VERSION = 1


class Link(Reconnecting):
    """The socket to a Meshport host and its one I/O thread. Thread safe; replies are matched to
    requests by id, and watch events are delivered to their ``Watch`` objects.

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
        self._transport = Transport(host, port, tls, cafile, pin, check_hostname)
        self._reconnect_s = reconnect
        self._ready = False  # reconnect only once the first hello was answered
        self._tag = os.urandom(8).hex()  # request tokens: this connection's writes apply once however often sent
        self.reconnects = 0
        self.info = None
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

    def _open(self, timeout):
        """A new socket to the host (TLS wrapped when asked), blocking, connected."""
        return self._transport.open(timeout)

    # ------------------------------------------------------------------ plumbing

    _framed = staticmethod(framed)

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

    def _request(self, message, timeout=None, on_reply=None, last=None):
        """Sends a request and waits for its reply; returns its result or raises the host's error.
        ``last``: ``(name, parts)``, a field already encoded, put last in the map (see ``framed``)."""
        if self._closed is not None:
            raise ConnectionClosed(self._closed)
        rid = next(self._ids)
        message["id"] = rid
        if message.get("op") in ("put", "delete", "commit"):
            message["requestToken"] = "%s:%d" % (self._tag, rid)
        if "body" in message:
            # Last in the map: the host starts decoding a large body while it still arrives only when
            # nothing follows it.
            message["body"] = message.pop("body")
        p = _Pending(on_reply, self._framed(message, last))
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
        try:
            self._serve()
        except Exception as e:  # a reply the client cannot take in: fail the requests rather than leave them waiting
            self._shutdown("the client failed: %r" % e)

    def _serve(self):
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
        frames = FrameReader()
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

    def _frame(self, data):
        """Handles one frame; returns a reason when the host said bye (or sent an error without an id)."""
        # cbor2 reads bytes in place but copies a bytearray into a BytesIO first, and then reads it
        # slowly: for a 36 MB frame, 7 ms from bytes against 35-50 ms from the bytearray (and 4 ms to
        # copy it into bytes).
        frame = cbor2.loads(data if isinstance(data, bytes) else bytes(data))
        if not isinstance(frame, dict):
            raise ValueError("the host sent a frame that is not a map: %.100r" % (frame,))
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

    # ------------------------------------------------------------------ watches

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
