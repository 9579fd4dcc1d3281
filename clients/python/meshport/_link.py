"""The link to the host: one I/O thread owning the socket, the requests waiting for their replies.

A ``Connection`` speaks through a ``Link``; when the host says ``bye`` or the connection breaks, the
link hands over to its reconnect machine (``_reconnect``) for a new socket and goes on.
"""
import collections
import itertools
import os
import select
import socket
import ssl
import threading

from ._errors import ConnectionClosed, reported
from ._frames import FrameReader, decoded, framed


class Pending(object):
    """A request waiting for its reply: the frame as sent (sent again after a reconnect), and what
    runs on the I/O thread when the reply comes."""
    __slots__ = ("event", "reply", "on_reply", "on_error", "frame")

    def __init__(self, on_reply=None, frame=None, on_error=None):
        self.event = threading.Event()
        self.reply = None
        self.on_reply = on_reply  # runs on the reader thread, before any later frame is read
        self.on_error = on_error  # likewise, when the reply is an error
        self.frame = frame  # sent again after a reconnect


class Link(object):
    """The socket to the host and its I/O thread. Thread safe; replies are matched to requests by id,
    and watch events are delivered to their ``Watch`` objects.

    One I/O thread owns the socket: it writes what requests queue and reads what the host sends, with
    the socket non-blocking under ``select``. Nothing else ever touches the socket, which matters for
    TLS (an SSL object must not be read and written by two threads at once) and for closing (a
    thread blocked in ``recv`` on a closed descriptor can read from whatever socket reuses its number).

    ``lock`` guards ``pending`` (request id -> ``Pending``), ``watches`` (watch id -> ``Watch``) and
    ``out`` (frames waiting for the I/O thread); the reconnect machine works on them too.
    """

    def __init__(self, transport, hello, timeout):
        self.transport = transport  # opens the sockets
        self.hello = hello  # the hello message, without its id
        self.timeout = timeout
        self.ids = itertools.count(1)
        self.pending = {}
        self.watches = {}
        self.lock = threading.Lock()
        self.out = collections.deque()  # frames waiting for the I/O thread, guarded by lock
        self.closed = None  # why, once closed
        self.closing = False
        self.ready = False  # reconnect only once the first hello was answered
        self.reconnect = None  # why -> (socket, None) or (None, why not); None: no reconnecting
        self.tag = os.urandom(8).hex()  # request tokens: this connection's writes apply once however often sent
        self.reconnects = 0
        self.info = None  # the host's answer to the last hello
        self.sock = None
        self._io = None

    def start(self):
        """Connects, starts the I/O thread and says hello; returns the host's answer."""
        sock = self.transport.open(self.timeout)
        sock.setblocking(False)
        self.sock = sock
        self._wake_r, self._wake_w = socket.socketpair()  # wakes the I/O thread's select
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._io = threading.Thread(target=self._io_loop, name="meshport-io", daemon=True)
        self._io.start()
        try:
            self.info = self.request(dict(self.hello))
        except BaseException:
            self.close()
            raise
        self.ready = True
        return self.info

    # ------------------------------------------------------------------ requests

    def request(self, message, timeout=None, on_reply=None):
        """Sends ``message`` with the next id and waits for its reply (at most ``timeout`` seconds, or
        the link's); returns its result, or raises the host's error as ``MeshportError``."""
        if self.closed is not None:
            raise ConnectionClosed(self.closed)
        rid = next(self.ids)
        message["id"] = rid
        if message.get("op") in ("put", "delete"):
            message["requestToken"] = "%s:%d" % (self.tag, rid)
        if "body" in message:
            # Last in the map: the host starts decoding a large body while it still arrives only when
            # nothing follows it.
            message["body"] = message.pop("body")
        p = Pending(on_reply, framed(message))
        with self.lock:
            self.pending[rid] = p
        try:
            self._send(p.frame)
        except ConnectionClosed:
            with self.lock:
                self.pending.pop(rid, None)
            raise
        if not p.event.wait(self.timeout if timeout is None else timeout):
            with self.lock:
                self.pending.pop(rid, None)
            raise TimeoutError("no reply to %s within %s s" % (message.get("op"), self.timeout if timeout is None else timeout))
        reply = p.reply
        if reply is None:
            raise ConnectionClosed(self.closed)
        if not reply.get("ok"):
            raise reported(reply.get("error"))
        return reply.get("result")

    def _send(self, frame):
        with self.lock:
            if self.closed is not None:
                raise ConnectionClosed(self.closed)
            self.out.append(frame)
        self._wake()

    def _wake(self):
        try:
            self._wake_w.send(b"x")
        except OSError:  # full (it is awake anyway) or closed
            pass

    # ------------------------------------------------------------------ the I/O thread

    def _io_loop(self):
        sock = self.sock
        try:
            while True:
                why = self._pump(sock)
                if self.closing or not self.ready or self.reconnect is None:
                    break
                try:
                    sock.close()
                except OSError:
                    pass
                sock, failed = self.reconnect(why)
                if sock is None:
                    why = failed
                    break
                self.sock = sock
        except Exception as e:  # a reply the client cannot take in: fail the requests rather than leave them waiting
            why = "the client failed: %r" % e
        self._shutdown(why)

    def _pump(self, sock):
        """Serves one socket until it ends; returns why it ended."""
        why = "the host closed the connection"
        frames = FrameReader()
        out = memoryview(b"")
        try:
            while not self.closing:
                with self.lock:
                    if not out and self.out:
                        out = memoryview(b"".join(self.out))
                        self.out.clear()
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
            if self.closed is None:
                return "connection lost: %s" % e
        return why

    def _frame(self, data):
        """Handles one frame; returns a reason when the host said bye (or sent an error without an id)."""
        frame = decoded(data)
        if not isinstance(frame, dict):
            raise ValueError("the host sent a frame that is not a map: %.100r" % (frame,))
        op = frame.get("op")
        if op == "event":
            w = self.watches.get(frame.get("watch"))
            if w is not None:
                w._event({"key": frame.get("key"), "version": frame.get("version"), "change": frame.get("change")})
        elif op == "bye":
            return "the host said bye: %s" % frame.get("reason")
        elif "id" in frame:
            with self.lock:
                p = self.pending.pop(frame["id"], None)
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
        with self.lock:
            if self.closed is None:
                self.closed = why
            pending, self.pending = self.pending, {}
            self.out.clear()
        for s in (self.sock, self._wake_r):
            try:
                s.close()
            except OSError:
                pass
        for p in pending.values():
            p.event.set()  # reply stays None: ConnectionClosed
        for w in list(self.watches.values()):
            w._end()

    def close(self):
        """Closes the link; requests still waiting raise ``ConnectionClosed``."""
        with self.lock:
            if self.closed is None:
                self.closed = "closed by the client"
        self.closing = True
        self._wake()
        if threading.current_thread() is not self._io:
            self._io.join(10)
        try:
            self._wake_w.close()
        except OSError:
            pass
