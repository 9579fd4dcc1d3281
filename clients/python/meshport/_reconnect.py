"""The reconnect machine: after a bye or a broken connection, a new socket, hello again, watches
renewed, and every unanswered request sent again, the first 64 KiB of them right behind the hello.

Puts, deletes and commits go again with the request token they first carried (``Link._request`` gives
them one), so that the host answers a write it already applied with its first result. An upload's
``append`` goes again as it was: the host acknowledges a piece it already holds.
"""
import time

from ._errors import MeshportError
from ._frames import read_message
from ._pending import _Pending

# How many bytes of waiting requests a reconnect sends right behind its hello, before the reply.
PIPELINED_RESEND_BYTES = 1 << 16


class Reconnecting(object):
    """The reconnect machine of a ``Link`` (mixed into it; it works on the link's requests and
    watches): on the I/O thread, after the connection ended, it connects again for up to
    ``reconnect`` seconds, says hello, and queues the watches' renewals and every request waiting."""

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
            frame = read_message(sock)
            if frame.get("op") == "bye":
                raise EOFError("the host said bye: %s" % frame.get("reason"))
            if frame.get("id") == rid:
                if not frame.get("ok"):
                    err = frame.get("error") or {}
                    raise MeshportError(err.get("code", "INTERNAL"), err.get("message", ""), err.get("detail"))
                return frame.get("result")
        raise EOFError("no reply to hello")
