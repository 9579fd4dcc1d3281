"""Test support: the checkout's package on the path, and a scripted fake host on 127.0.0.1.

Every wait here is bounded (``WAIT`` seconds), and a watchdog ends a run that hangs all the same.
``MESHPORT_TEST_WITHOUT_NUMPY=1`` runs the tests as if NumPy were not installed.
"""
import faulthandler
import os
import socket
import struct
import sys
import threading

CLIENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # clients/python
if CLIENT not in sys.path:
    sys.path.insert(0, CLIENT)  # the checkout's package, not an installed one
if os.environ.get("MESHPORT_TEST_WITHOUT_NUMPY"):
    sys.modules["numpy"] = None  # as if it were not installed

import cbor2  # noqa: E402

import meshport  # noqa: E402

WAIT = 10.0
faulthandler.dump_traceback_later(int(os.environ.get("MESHPORT_TEST_WATCHDOG", "240")), exit=True)

HELLO = {"server": "meshport", "protocol": 1, "session": "s1", "codecs": ["cbor", "bytes", "mesh"],
         "services": ["nodes"], "maxFrameBytes": 1 << 28}


class Peer(object):
    """One connection to the fake host, seen from the host: reads requests, writes replies."""

    def __init__(self, sock, number):
        self.sock = sock
        self.number = number  # 0 for the first connection
        sock.settimeout(WAIT)

    def read_frame(self, timeout=WAIT):
        """The next frame's body as bytes; None when the client closed the connection."""
        self.sock.settimeout(timeout)
        head = self._exactly(4)
        if head is None:
            return None
        (n,) = struct.unpack(">I", head)
        return self._exactly(n)

    def read(self, timeout=WAIT):
        """The next message; None when the client closed the connection."""
        body = self.read_frame(timeout)
        return None if body is None else cbor2.loads(body)

    def nothing_within(self, seconds):
        """Whether the client sends nothing for ``seconds``."""
        self.sock.settimeout(seconds)
        try:
            got = self.sock.recv(1, socket.MSG_PEEK)
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(WAIT)
        return got == b""  # closed: nothing sent either

    def _exactly(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                if buf:
                    raise EOFError("the client closed the connection in the middle of a frame")
                return None
            buf += chunk
        return bytes(buf)

    def send(self, message):
        body = cbor2.dumps(message)
        self.sock.sendall(struct.pack(">I", len(body)) + body)

    def reply(self, request, result):
        self.send({"id": request["id"], "ok": True, "result": result})

    def fail(self, request, code, message, detail=None):
        error = {"code": code, "message": message}
        if detail is not None:
            error["detail"] = detail
        self.send({"id": request["id"], "ok": False, "error": error})

    def expect(self, op, timeout=WAIT):
        """The next message, which must be a request of ``op``."""
        m = self.read(timeout)
        if m is None or m.get("op") != op:
            raise AssertionError("expected %s, got %r" % (op, m))
        return m

    def hello(self, answer=None):
        """Reads the client's hello and answers it; returns the hello."""
        m = self.expect("hello")
        self.reply(m, answer or HELLO)
        return m

    def bye(self, reason="the listener is restarting; reconnect"):
        self.send({"op": "bye", "reason": reason})

    def drain(self):
        """Reads until the client closes the connection (bounded)."""
        try:
            while self.read() is not None:
                pass
        except (OSError, EOFError):
            pass


class FakeHost(object):
    """A host on 127.0.0.1 (port 0) whose n-th connection runs ``scripts[n](peer)`` on a thread of its
    own; connections beyond the scripts are closed at once. ``finish()`` waits for the scripts and
    raises the first failure of one of them."""

    def __init__(self, *scripts):
        self.scripts = list(scripts)
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.errors = []
        self.threads = []
        self.connections = 0
        self._stop = threading.Event()
        self._acceptor = threading.Thread(target=self._accept, name="fake-host", daemon=True)
        self._acceptor.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                sock, _ = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            n = self.connections
            self.connections += 1
            if n >= len(self.scripts):
                sock.close()
                continue
            t = threading.Thread(target=self._run, args=(self.scripts[n], Peer(sock, n)), name="fake-host-%d" % n, daemon=True)
            self.threads.append(t)
            t.start()

    def _run(self, script, peer):
        try:
            script(peer)
        except BaseException as e:  # reported by finish()
            self.errors.append(e)
        finally:
            peer.sock.close()

    def stop_listening(self):
        """Closes the listening socket: new connections are refused."""
        self._stop.set()
        self._acceptor.join(WAIT)
        self.server.close()

    def finish(self):
        """Waits for every script (bounded), stops listening, and raises the first script's failure."""
        for t in list(self.threads):
            t.join(WAIT)
            if t.is_alive():
                self.errors.append(AssertionError("%s did not end within %s s" % (t.name, WAIT)))
        if not self._stop.is_set():
            self.stop_listening()
        if self.errors:
            raise self.errors[0]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.finish()
        elif not self._stop.is_set():
            self.stop_listening()


def serve(peer, store=None, log=None):
    """Answers requests like a small host until the client closes: hello, ping, print, put, get,
    delete, list, and call (whose result is ``{"args": args}``); ``log`` gets every request."""
    store = {} if store is None else store
    version = [100]
    while True:
        m = peer.read()
        if m is None:
            return
        if log is not None:
            log.append(m)
        op = m.get("op")
        if op == "hello":
            peer.reply(m, HELLO)
        elif op == "ping":
            peer.reply(m, {"time": 1234})
        elif op == "put":
            version[0] += 1
            store[m["key"]] = (version[0], m.get("codec"), m["body"])
            peer.reply(m, {"key": m["key"], "version": version[0], "kind": "cbor", "summary": {}})
        elif op == "get":
            if m["key"] not in store:
                peer.fail(m, "NOT_FOUND", "no key %s" % m["key"])
            else:
                v, codec, body = store[m["key"]]
                peer.reply(m, {"key": m["key"], "version": v, "codec": m.get("codec") or codec, "body": body})
        elif op == "delete":
            version[0] += 1
            store.pop(m["key"], None)
            peer.reply(m, {"key": m["key"], "version": version[0]})
        elif op == "list":
            peer.reply(m, [{"key": k, "version": v[0], "kind": "cbor", "codec": v[1], "bytes": 1, "updated": 0}
                           for k, v in sorted(store.items()) if k.startswith(m.get("prefix", ""))])
        elif op == "print":
            peer.reply(m, None)
        elif op == "call":
            peer.reply(m, {"args": m.get("args")})
        else:
            peer.fail(m, "UNKNOWN_OP", "unknown op %s" % op)


def connect(host, **kw):
    """A client of ``host`` with short bounds: replies within 5 s, reconnecting for 5 s unless told."""
    kw.setdefault("timeout", 5.0)
    kw.setdefault("reconnect", 5.0)
    return meshport.connect("127.0.0.1", host.port, **kw)


def without_numpy(test):
    """Runs ``test`` as if NumPy were not installed (the package looks it up when it uses it)."""
    from unittest import mock

    from meshport import _typed

    def run(*args, **kw):
        with mock.patch.object(_typed, "numpy", None):
            return test(*args, **kw)

    run.__name__ = test.__name__
    run.__doc__ = test.__doc__
    return run


class Thread(threading.Thread):
    """Runs ``target`` and keeps its result or exception; ``result()`` waits for it (bounded)."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self._target_fn = target
        self._value = None
        self._error = None
        self.start()

    def run(self):
        try:
            self._value = self._target_fn()
        except BaseException as e:
            self._error = e

    def result(self, timeout=WAIT):
        self.join(timeout)
        if self.is_alive():
            raise AssertionError("still running after %s s" % timeout)
        if self._error is not None:
            raise self._error
        return self._value
