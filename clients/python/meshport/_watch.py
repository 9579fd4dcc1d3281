"""Watches: the host's events for the keys under a prefix, kept and caught up across reconnects."""
import queue


class Watch(object):
    """Changes of the keys under a prefix: iterate it, or call ``next_event(timeout)``; ``close()`` stops it.
    Each event is a dict ``{"key", "version", "change"}`` (``change`` is ``"put"`` or ``"delete"``).

    A watch lasts across reconnects and catches up after one: the keys under the prefix that changed
    while the client was away come as events too (one per key at its current version; a key deleted
    meanwhile as a delete with version 0, its version being unknown), before any later event, all in
    version order. To know what changed, the watch lists the prefix when it starts and after each
    reconnect."""

    def __init__(self, link, watch_id, prefix):
        self._link = link  # the Link it came from
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
        if self._link._watches.get(self.id) is not self:
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
        """Stops the watch: the host forgets it, and iterating ends."""
        self._link._unwatch(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
