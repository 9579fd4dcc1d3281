"""The link to the host: a thread of its own that owns the connection, so that Blender's main thread never waits
on the network unless it asks to (a push or a pull operator, bounded by the request timeout).

The main thread hands it ``Job``s (push, pull, ...) and takes what it fetched for the live pull with
``take_arrived()``; this module never touches Blender's data. When the host goes away the link says so
(``state`` "lost", ``message``), fails the jobs waiting, and connects again every few tenths of a second, then
every 2 s, until the host is back or the link is stopped; after a reconnect it renews its watch and catches up
on what changed meanwhile under the live-pull prefix.
"""
import collections
import sys
import threading
import time
import traceback
import queue

from . import bodies
from ._client import client

CLIENT_NAME = "blender-live-link"
CONNECT_TIMEOUT = 10.0    # seconds for the TCP connection and the hello's reply
PING_SECONDS = 1.0        # an idle link pings this often, which is how it notices a host gone quiet
RETRY_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0)
MAX_EVENTS_PER_ROUND = 1024

# What ends a connection (the client's ConnectionClosed; socket errors and timeouts are OSErrors).
LOST = (client.ConnectionClosed, OSError, EOFError)


class NotConnected(Exception):
    """The link has no connection now: the message says why (lost and reconnecting, refused, closed)."""


class Job(object):
    """Work for the link's thread. ``kind``: "push" (``arrays`` to ``key``; ``live``: only what changed since the
    last push; ``keep``: remember the arrays for that), "meta" (only ``meta`` changed), "baseline" (``arrays`` are
    what ``key`` holds at ``version``, pulled into Blender: remember them, send nothing), "pull" (fetch ``key``).
    The main thread waits on ``done`` (bounded), then reads ``result`` or ``error``."""
    __slots__ = ("kind", "key", "arrays", "meta", "live", "keep", "version", "done", "result", "error")

    def __init__(self, kind, key, arrays=None, meta=None, live=False, keep=False, version=None):
        self.kind = kind
        self.key = key
        self.arrays = arrays
        self.meta = meta
        self.live = live
        self.keep = keep
        self.version = version
        self.done = threading.Event()
        self.result = None
        self.error = None


class _Sent(object):
    """What a key holds as far as this link knows: the version it wrote (or pulled), and the arrays, when kept."""
    __slots__ = ("version", "arrays")

    def __init__(self, version, arrays):
        self.version = version
        self.arrays = arrays


class Link(object):
    """One connection to a host, kept up by a thread of its own.

    ``state`` is "connecting", "connected", "lost" (the host went away; reconnecting), "failed" (the first
    connection could not be made, or the host refused the hello: nothing more is tried) or "closed".
    """

    def __init__(self, host, port, token=None, timeout=30.0):
        self.host = host
        self.port = int(port)
        self.token = token or None
        self.timeout = timeout
        self.address = "%s:%d" % (host, self.port)
        self.reconnects = 0
        self._lock = threading.Lock()
        self._state = "connecting"
        self._message = "connecting to %s" % self.address
        self._session = None
        self._jobs = queue.Queue()
        self._arrived = collections.OrderedDict()  # key -> the newest mesh fetched for the live pull; under _lock
        self._resync = []                           # keys to push again: the host came back with a new session
        self._stop = threading.Event()
        self._first = threading.Event()
        self._conn = None
        self._want_prefix = None
        self._watch = None
        self._watch_prefix = None
        self._watch_since = None        # the host's clock when the watch began: keys unknown here and updated
        self._watch_since_prefix = None  # later than that are caught up after a reconnect
        self._catch_up = False
        self._known = {}  # link thread: key -> the newest version this Blender has (written or pulled)
        self._sent = {}   # link thread: key -> _Sent
        self._last_traffic = 0.0
        self._complained = None  # the last problem said (each is said once)
        self._thread = threading.Thread(target=self._run, name="meshport-live-link", daemon=True)

    # ------------------------------------------------------------------ for the main thread

    def start(self):
        """Starts the link's thread and waits for its first connection (bounded); returns whether it is up."""
        self._thread.start()
        self._first.wait(CONNECT_TIMEOUT + 5.0)
        return self.connected

    def stop(self, wait=5.0):
        """Stops the link: closes the connection (requests under way fail at once) and waits for its thread (bounded)."""
        self._stop.set()
        conn = self._conn
        if conn is not None:
            conn.close()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(wait)
        self._fail_jobs("the link was closed")

    @property
    def state(self):
        return self._state

    @property
    def message(self):
        return self._message

    @property
    def connected(self):
        return self._state == "connected"

    @property
    def session(self):
        return self._session

    @property
    def watching(self):
        """The prefix the live pull watches now, or None."""
        return self._watch_prefix

    @property
    def alive(self):
        """Whether the link's thread still runs (it ends once stopped, or when it gave up: state "failed")."""
        return self._thread.is_alive()

    def submit(self, job):
        """Queues a job for the link's thread; NotConnected when there is no connection now."""
        if self._state != "connected":
            raise NotConnected(self._message)
        self._jobs.put(job)
        if self._state != "connected":  # lost meanwhile: make sure nobody waits for it in vain
            self._fail_jobs(self._message)
        return job

    def want_prefix(self, prefix):
        """The prefix whose new versions the link fetches for the live pull; None or "" for none."""
        self._want_prefix = prefix or None

    def take_arrived(self):
        """What the live pull fetched since the last call: ``[(key, mesh)]``, the newest version of each key."""
        with self._lock:
            out = list(self._arrived.items())
            self._arrived.clear()
        return out

    def take_resync(self):
        """Keys to push again because the host came back with a new session (it no longer holds them)."""
        with self._lock:
            out, self._resync = self._resync, []
        return out

    # ------------------------------------------------------------------ the link's thread

    def _complain(self, text):
        """Says a problem once, not at every attempt."""
        if text != self._complained:
            self._complained = text
            _say(text)

    def _set(self, state, message, say=True):
        with self._lock:
            changed = state != self._state
            self._state = state
            self._message = message
        if say and changed:
            _say(message)

    def _run(self):
        attempt = 0
        lost_at = None
        lost_why = None
        try:
            while not self._stop.is_set():
                if self._conn is None:
                    if not self._open(lost_at, lost_why, attempt):
                        if self._state == "failed":
                            break
                        self._stop.wait(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                        attempt += 1
                        continue
                    attempt, lost_at, lost_why = 0, None, None
                try:
                    self._serve(self._conn)
                except LOST as e:
                    if self._stop.is_set():
                        break
                    lost_at, lost_why = time.monotonic(), _why(e)
                    self._lose(lost_why)
                except client.MeshportError as e:  # the host refused the live pull's watch or listing: try again
                    self._complain("the live pull could not watch %s: %s" % (self._want_prefix, e))
                    self._stop.wait(1.0)
        except Exception as e:  # a fault of the add-on: say so rather than end silently
            traceback.print_exc()
            self._set("failed", "the live link stopped after a fault: %r" % (e,))
        finally:
            self._close_conn()
            if self._state not in ("failed",):
                self._set("closed", "disconnected from %s" % self.address)
            self._first.set()
            self._fail_jobs(self._message)

    def _open(self, lost_at, lost_why, attempt):
        first = not self._first.is_set()
        try:
            conn = client.connect(self.host, self.port, token=self.token, timeout=CONNECT_TIMEOUT, client=CLIENT_NAME,
                                  reconnect=0)
        except client.ConnectionClosed as e:
            return self._unreachable(first, lost_why, attempt, _why(e))
        except client.MeshportError as e:  # the hello was refused: a wrong token, say; trying again will not help
            self._set("failed", "the host at %s refused the connection: %s" % (self.address, e))
            self._first.set()
            return False
        except (OSError, EOFError, ValueError) as e:
            return self._unreachable(first, lost_why, attempt, _why(e))
        if self._stop.is_set():
            conn.close()
            return False
        conn.timeout = self.timeout
        session = (conn.info or {}).get("session")
        if self._session is not None and session != self._session:
            # Another session: the host restarted without its store. Versions mean nothing there; what this
            # Blender pushed is gone from it, so the main thread pushes it again.
            with self._lock:
                self._resync = sorted(self._sent)
            self._known.clear()
            self._sent.clear()
        same = self._session == session
        self._session = session
        self._conn = conn
        self._watch = None
        self._watch_prefix = None
        self._catch_up = not first  # after a new session, _known is empty: every key updated since the watch began
        self._last_traffic = time.monotonic()
        if first:
            self._set("connected", "connected to %s (session %s)" % (self.address, session))
        else:
            self.reconnects += 1
            self._set("connected", "reconnected to %s after %.1f s (%s)" % (
                self.address, time.monotonic() - lost_at, "the same session" if same else "a new session, %s" % session))
        self._first.set()
        return True

    def _unreachable(self, first, lost_why, attempt, why):
        if first:
            self._set("failed", "cannot reach a Meshport host at %s: %s" % (self.address, why))
            self._first.set()
        else:
            self._set("lost", "lost the host at %s (%s); reconnecting (attempt %d: %s)"
                      % (self.address, lost_why, attempt + 1, why), say=False)
        return False

    def _lose(self, why):
        self._close_conn()
        self._watch = None
        self._watch_prefix = None
        self._set("lost", "lost the host at %s (%s); reconnecting" % (self.address, why))
        self._fail_jobs("lost the host at %s (%s)" % (self.address, why))

    def _close_conn(self):
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _fail_jobs(self, why):
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            job.error = NotConnected(why)
            job.done.set()

    def _serve(self, conn):
        """One round: a job, the live pull's events, a ping when idle."""
        try:
            job = self._jobs.get(timeout=0.05)
        except queue.Empty:
            job = None
        if job is not None:
            self._do(conn, job)
        self._watching(conn)
        if time.monotonic() - self._last_traffic > PING_SECONDS:
            conn.ping()
            self._last_traffic = time.monotonic()

    def _do(self, conn, job):
        try:
            if job.kind == "push":
                job.result = self._push(conn, job)
            elif job.kind == "meta":
                job.result = self._push_meta(conn, job)
            elif job.kind == "baseline":
                self._sent[job.key] = _Sent(job.version, job.arrays)
                self._known[job.key] = max(job.version, self._known.get(job.key, 0))
                job.result = {"key": job.key, "version": job.version, "mode": "baseline"}
            elif job.kind == "pull":
                mesh = conn.get_mesh(job.key)
                self._known[job.key] = max(mesh["version"], self._known.get(job.key, 0))
                job.result = mesh
            else:
                raise ValueError("no such job: %r" % job.kind)
        except LOST as e:
            job.error = e
            raise
        except (client.MeshportError, ValueError) as e:
            job.error = e
        except Exception as e:  # a fault of the add-on: the job fails, the link goes on
            traceback.print_exc()
            job.error = e
        finally:
            self._last_traffic = time.monotonic()
            job.done.set()

    def _push(self, conn, job):
        prev = self._sent.get(job.key)
        if job.live and prev is not None and prev.arrays is not None:
            u = bodies.update(prev.version, prev.arrays, job.arrays)
        else:
            body, parts = bodies.full_body(job.arrays)
            u = bodies.Update(body, parts, True)
        if u.body is None:
            return {"key": job.key, "version": prev.version, "mode": "unchanged", "sent": []}
        try:
            r = conn.put(job.key, u.body, codec="mesh")
        except client.MeshportError as e:
            if isinstance(e, client.ConnectionClosed) or u.whole or e.code != "CONFLICT":
                raise
            # Someone else wrote the key since (or deleted it): store the whole mesh, Blender's edit wins.
            body, parts = bodies.full_body(job.arrays)
            u = bodies.Update(body, parts, True)
            r = conn.put(job.key, body, codec="mesh")
        self._sent[job.key] = _Sent(r["version"], job.arrays if job.keep else None)
        self._known[job.key] = r["version"]
        return {"key": job.key, "version": r["version"], "mode": "put" if u.whole else "update", "sent": u.parts,
                "summary": r.get("summary")}

    def _push_meta(self, conn, job):
        prev = self._sent.get(job.key)
        if prev is None or prev.arrays is None:
            return {"key": job.key, "mode": "needs-geometry"}
        if prev.arrays.meta == job.meta:
            return {"key": job.key, "version": prev.version, "mode": "unchanged", "sent": []}
        try:
            r = conn.put(job.key, bodies.meta_update(prev.version, job.meta), codec="mesh")
        except client.MeshportError as e:
            if isinstance(e, client.ConnectionClosed) or e.code != "CONFLICT":
                raise
            del self._sent[job.key]
            return {"key": job.key, "mode": "needs-geometry"}
        prev.arrays.meta = job.meta
        prev.version = r["version"]
        self._known[job.key] = r["version"]
        return {"key": job.key, "version": r["version"], "mode": "update", "sent": ["meta"], "summary": r.get("summary")}

    # ------------------------------------------------------------------ the live pull

    def _watching(self, conn):
        want = self._want_prefix
        if want != self._watch_prefix:
            if self._watch is not None:
                w, self._watch = self._watch, None
                try:
                    w.close()
                except client.ConnectionClosed:
                    raise
                except client.MeshportError:
                    pass
            self._watch_prefix = None
            if want:
                self._watch = conn.watch(want)
                self._watch_prefix = want
                if self._catch_up and self._watch_since_prefix == want:
                    self._catch_up_on(conn, want)
                else:
                    self._watch_since = conn.ping()
                    self._watch_since_prefix = want
            self._catch_up = False
        if self._watch is None:
            return
        newest = collections.OrderedDict()
        for _ in range(MAX_EVENTS_PER_ROUND):
            ev = self._watch.next_event(timeout=0)
            if ev is None:
                break
            if ev["change"] == "put" and ev["version"] > self._known.get(ev["key"], 0):
                newest[ev["key"]] = ev["version"]
        for key in newest:
            self._fetch(conn, key)

    def _catch_up_on(self, conn, prefix):
        """After a reconnect: what changed under the prefix while the link was away."""
        for row in conn.list(prefix):
            if row.get("kind") != "mesh":
                continue
            key = row["key"]
            known = self._known.get(key)
            if (known is not None and row["version"] > known) or (known is None and row["updated"] >= self._watch_since):
                self._fetch(conn, key)

    def _fetch(self, conn, key):
        try:
            mesh = conn.get_mesh(key)
        except client.ConnectionClosed:
            raise
        except client.MeshportError as e:
            if e.code not in ("NOT_FOUND", "NO_CODEC"):  # gone meanwhile, or not a mesh: nothing to pull
                self._complain("could not pull %s: %s" % (key, e))
            return
        if mesh["version"] <= self._known.get(key, 0):
            return
        self._known[key] = mesh["version"]
        with self._lock:
            self._arrived.pop(key, None)
            self._arrived[key] = mesh


def _say(text):
    """One line on Blender's console, written at once: the main thread may be printing too."""
    sys.stdout.write("Meshport: %s\n" % text)
    sys.stdout.flush()


def _why(e):
    if isinstance(e, client.MeshportError):
        return e.message or str(e)
    return str(e) or type(e).__name__
