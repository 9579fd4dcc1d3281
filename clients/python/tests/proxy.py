"""A TCP proxy between the client and a real host, for the tests against one: it forwards every
connection both ways frame by frame, counts what the client sent, notes each frame, and cuts a
connection where a test says."""
import socket
import struct
import threading

import cbor2

from support import WAIT


class Frame(object):
    """A frame the client sent: on which connection (0 for the first), its op, its length on the
    wire, and for an append its offset and the length of its data."""

    def __init__(self, connection, wire, message):
        self.connection = connection
        self.wire = wire
        self.op = message.get("op")
        self.id = message.get("id")
        self.offset = message.get("offset")
        data = message.get("data")
        self.data = len(data) if isinstance(data, bytes) else 0

    def __repr__(self):
        return "<%d %s %s %s %s>" % (self.connection, self.op, self.id, self.offset, self.data)


class Proxy(object):
    """Listens on 127.0.0.1 (port 0) and forwards to ``127.0.0.1:port``. ``frames``: what clients
    sent, in order; ``sent``: their bytes; connections are numbered from 0 since the last ``reset``.
    ``cut``: None, or a function of each ``Frame`` answering None (forward it), ``"mid"`` (forward
    half of it, then break both connections: the host never gets it whole) or ``"after"`` (forward
    it, then break both connections when the host's reply to it comes, which the client never sees).
    It is consulted until it first answers something."""

    def __init__(self, port):
        self.target = port
        self.frames = []
        self.sent = 0
        self.cut = None
        self.cuts = 0
        self._lock = threading.Lock()
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self._stop = threading.Event()
        self._connections = 0
        self._base = 0
        threading.Thread(target=self._accept, name="proxy", daemon=True).start()

    def reset(self):
        """Forgets the frames and bytes seen so far; the next connection is number 0 again."""
        with self._lock:
            self.frames = []
            self.sent = 0
            self._base = self._connections

    def ops(self, connection=None):
        return [f.op for f in self.frames if connection is None or f.connection == connection]

    def close(self):
        self._stop.set()
        self.server.close()

    def _accept(self):
        while not self._stop.is_set():
            try:
                client, _ = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            host = socket.create_connection(("127.0.0.1", self.target), timeout=WAIT)
            with self._lock:
                n = self._connections - self._base
                self._connections += 1
            link = _Link(self, n, client, host)
            threading.Thread(target=link.up, name="proxy-up-%d" % n, daemon=True).start()
            threading.Thread(target=link.down, name="proxy-down-%d" % n, daemon=True).start()


class _Link(object):
    """One client connection and its connection to the host."""

    def __init__(self, proxy, number, client, host):
        self.proxy = proxy
        self.number = number
        self.client = client
        self.host = host
        self.drop_reply = None  # the id of the reply that breaks the link
        client.settimeout(None)
        host.settimeout(None)

    def up(self):
        try:
            while True:
                head = _exactly(self.client, 4)
                if head is None:
                    break
                body = _exactly(self.client, struct.unpack(">I", head)[0])
                if body is None:
                    break
                f = Frame(self.number, 4 + len(body), cbor2.loads(body))
                p = self.proxy
                with p._lock:
                    p.frames.append(f)
                    p.sent += f.wire
                    action = p.cut(f) if p.cut is not None and not p.cuts else None
                    if action is not None:
                        p.cuts += 1
                if action == "mid":
                    self.host.sendall(head + body[:len(body) // 2])
                    self.break_both()
                    return
                if action == "after":
                    self.drop_reply = f.id
                self.host.sendall(head + body)
        except OSError:
            pass
        self.break_both()

    def down(self):
        try:
            while True:
                head = _exactly(self.host, 4)
                if head is None:
                    break
                body = _exactly(self.host, struct.unpack(">I", head)[0])
                if body is None:
                    break
                if self.drop_reply is not None and cbor2.loads(body).get("id") == self.drop_reply:
                    break  # the host has the frame; the client never hears of it
                self.client.sendall(head + body)
        except OSError:
            pass
        self.break_both()

    def break_both(self):
        for s in (self.client, self.host):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def _exactly(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)
