"""The reconnect machine: after a bye or a broken connection, a new socket, hello again, watches
renewed and every unanswered request sent again, the first 64 KiB of them right behind the hello.

Puts and deletes are sent again with the request token they first carried (``Link.request`` gives
them one), so that the host answers a write it already applied with its first result.
"""
import time

from ._errors import MeshportError, reported
from ._frames import framed, read_message
from ._link import Pending

# How many bytes of waiting requests a reconnect sends right behind its hello, before the reply.
PIPELINED_RESEND_BYTES = 1 << 16


class Reconnect(object):
    """Connects a ``Link`` again for up to ``seconds``; called on the link's I/O thread with why the
    old connection ended, it returns ``(socket, None)``, or ``(None, why not)``."""

    def __init__(self, link, seconds):
        self.link = link
        self.seconds = seconds

    def __call__(self, why):
        """Connects again and says hello, then queues the watches' renewals and every request still
        waiting, in the order they were first sent. Returns ``(socket, None)``, or ``(None, why not)``
        once ``seconds`` have passed."""
        link = self.link
        deadline = time.monotonic() + self.seconds
        delay = 0.01
        last = why
        while not link.closing and time.monotonic() < deadline:
            # The first requests still waiting go right behind the hello, not after its reply: after a
            # hot swap the host answers them together, a round trip sooner. Only as many as the socket's
            # buffers take at once (PIPELINED_RESEND_BYTES), since nothing reads their replies until the
            # hello's has come; the rest follow in the order first sent, as the Java client does.
            with link.lock:
                early, size = [], 0
                for rid in sorted(link.pending):
                    size += len(link.pending[rid].frame)
                    if size > PIPELINED_RESEND_BYTES:
                        break
                    early.append(rid)
                behind = b"".join(link.pending[rid].frame for rid in early)
            try:
                sock = link.transport.open(min(link.timeout, max(0.1, deadline - time.monotonic())))
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
            link.info = info
            link.reconnects += 1
            with link.lock:
                link.out.clear()  # whatever was queued is in pending too
                watches, link.watches = list(link.watches.values()), {}
                for w in watches:  # the host gives each a new id; then what changed meanwhile
                    rid = next(link.ids)
                    p = Pending(self._renewal(w), framed({"op": "watch", "prefix": w.prefix, "id": rid}))
                    link.pending[rid] = p
                    rid = next(link.ids)
                    p = Pending(w._catch_up, framed({"op": "list", "prefix": w.prefix, "id": rid}), w._release)
                    link.pending[rid] = p
                sent = set(early)
                for rid in sorted(link.pending):
                    if rid not in sent:
                        link.out.append(link.pending[rid].frame)
            return sock, None
        return None, "the connection ended (%s) and no new one could be made within %s s: %s" % (why, self.seconds, last)

    def _renewal(self, w):
        """What runs on the I/O thread when the host answers the renewal of watch ``w``."""
        link = self.link

        def renewed(result):
            w.id = result["watch"]
            if w._held is None:
                w._held = []  # until the catch-up that follows
            with link.lock:
                link.watches[w.id] = w
        return renewed

    def _handshake(self, sock, behind=b""):
        """Says hello on a new blocking socket, followed by ``behind`` (framed requests whose replies
        come after the hello's, read by the I/O loop), and returns the host's answer."""
        link = self.link
        sock.settimeout(link.timeout)
        rid = next(link.ids)
        sock.sendall(framed(dict(link.hello, id=rid)) + behind)
        for _ in range(16):  # nothing but the reply is expected; a bye ends it
            frame = read_message(sock)
            if frame.get("op") == "bye":
                raise EOFError("the host said bye: %s" % frame.get("reason"))
            if frame.get("id") == rid:
                if not frame.get("ok"):
                    raise reported(frame.get("error"))
                return frame.get("result")
        raise EOFError("no reply to hello")
