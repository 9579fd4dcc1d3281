"""Uploads (protocol section 10): a payload larger than one frame, or than the caller's threshold, sent
in pieces with ``begin``, ``append`` and ``commit``, and stored like a put.

One ``append`` is in flight at a time, with an id. When the connection breaks, the link sends that one
again after reconnecting (the host acknowledges a piece it holds already), so at most one piece goes
twice. Each reply says how many bytes the host holds (``received``) and the next piece starts there; a
``CONFLICT`` says it too (``detail.received``), and the upload goes on from there, once. A call that
cannot finish (the connection is gone, a reply does not come) leaves the upload open on the host and
says its id: ``resume=`` continues it on any connection, from what the ``upload`` op says.
"""
import cbor2

from ._errors import ConnectionClosed, MeshportError
from ._frames import head
from ._progress import Progress

DEFAULT_MAX_FRAME_BYTES = 256 << 20  # a hello that does not say (section 2's default)
CHUNK_BYTES = 8 << 20                # the host's piece size, when resuming: begin's chunkBytes is not at hand
PUT_OVERHEAD = 128                   # a put's frame besides its fields and payload: id, request token, "body"


def goes_as_upload(info, message, payload, threshold, resume):
    """Whether a put of ``payload`` goes as an upload: it is larger than one frame can carry, or than
    ``threshold`` (bytes; None: no threshold), or it resumes one. Raises when it must and the host
    does not take uploads."""
    frame = payload.size + len(cbor2.dumps(message)) + PUT_OVERHEAD
    max_frame = info.get("maxFrameBytes") or DEFAULT_MAX_FRAME_BYTES
    fits = frame <= max_frame
    if fits and resume is None and (threshold is None or payload.size <= threshold):
        return False
    if info.get("uploads") is True:
        return True
    if resume is not None:
        raise ValueError("resume=%r: this host does not take uploads (its hello has no 'uploads: true')" % (resume,))
    if not fits:
        raise MeshportError("FRAME_TOO_LARGE", "this put of %r is %d bytes; the host takes frames of at most %d bytes and no "
                            "uploads (its hello has no 'uploads: true')" % (message.get("key"), frame, max_frame),
                            {"bytes": frame, "maxFrameBytes": max_frame})
    return False  # only above the threshold, and the host cannot do otherwise: one put


class Upload(object):
    """One upload of ``payload`` (a ``_payload.Payload``) to ``key`` through ``link``; ``run`` sends it
    and returns what the commit returns (what a put returns)."""

    def __init__(self, link, key, codec, payload, if_version=None, progress=None, bar=False):
        self.link = link
        self.key = key
        self.codec = codec
        self.payload = payload
        self.if_version = if_version
        self.id = None
        self.received = 0  # what the host holds, as its last reply said
        self.committing = False
        self._report = Progress(progress, payload.size, key, bar)

    def run(self, resume=None):
        """Begins the upload (or resumes the one whose id is ``resume``), sends the pieces the host does
        not hold yet, and commits. Errors: the host's (``MeshportError``, after aborting the upload
        when it is still open), or, when the connection is gone or a reply does not come,
        ``ConnectionClosed`` or ``TimeoutError`` with the upload's id (``upload``) and ``received``."""
        try:
            if resume is None:
                chunk = self._begin()
            else:
                chunk = self._resume(resume)
            self._report(self.received)
            size = self.payload.size
            conflicts = 0
            while self.received < size:
                at = self.received
                got, conflict = self._append(at, min(chunk, size - at))
                conflicts = conflicts + 1 if conflict else 0
                if conflicts > 1:
                    raise conflict
                self.received = got
                self._report(got)
            return self._commit()
        except (ConnectionClosed, TimeoutError) as e:
            if self.id is None:
                raise
            raise self._interrupted(e) from e
        except MeshportError as e:
            if self.id is not None and e.code != "NOT_FOUND":
                self._abort()
            raise
        except BaseException:  # a progress callable that raises, Ctrl-C: the host forgets the upload
            if self.id is not None:
                self._abort()
            raise
        finally:
            self._report.close()

    def _begin(self):
        m = {"op": "begin", "key": self.key, "size": self.payload.size, "codec": self.codec}
        if self.if_version is not None:
            m["ifVersion"] = self.if_version
        r = self.link._request(m)
        self.id = r["upload"]
        max_frame = self.link.info.get("maxFrameBytes") or DEFAULT_MAX_FRAME_BYTES
        return max(1, min(int(r.get("chunkBytes") or CHUNK_BYTES), max_frame - 1024))  # each append must fit a frame

    def _resume(self, upload):
        r = self.link._request({"op": "upload", "upload": upload})
        theirs = (r.get("key"), r.get("codec"), r.get("size"))
        if theirs != (self.key, self.codec, self.payload.size):
            raise ValueError("upload %s is of %r with codec %s, %s bytes; not this put of %r with codec %s, %d bytes"
                             % ((upload,) + theirs + (self.key, self.codec, self.payload.size)))
        self.id = upload
        self.received = r["received"]
        max_frame = self.link.info.get("maxFrameBytes") or DEFAULT_MAX_FRAME_BYTES
        return max(1, min(CHUNK_BYTES, max_frame - 1024))  # the host's rule for chunkBytes

    def _append(self, at, n):
        """Sends the ``n`` bytes at ``at``; returns ``(received, None)``, or ``(received, the CONFLICT)``
        when the host holds another count than ``at`` and says which."""
        data = [head(2, n)] + self.payload.piece(at, n)
        try:
            r = self.link._request({"op": "append", "upload": self.id, "offset": at}, last=("data", data))
        except MeshportError as e:
            got = e.detail.get("received") if e.code == "CONFLICT" else None
            if isinstance(got, int) and not isinstance(got, bool) and 0 <= got <= self.payload.size and got != at:
                return got, e
            raise
        got = r["received"]
        if not at < got <= self.payload.size:
            raise MeshportError("CONFLICT", "upload %s: the host took %d bytes at offset %d and says it holds %d of %d"
                                % (self.id, n, at, got, self.payload.size), {"received": got})
        return got, None

    def _commit(self):
        self.committing = True
        reconnects = self.link.reconnects
        try:
            return self.link._request({"op": "commit", "upload": self.id})
        except MeshportError as e:
            if e.code == "NOT_FOUND" and self.link.reconnects != reconnects:
                # The commit went again after a reconnect, and the first may have been applied: the
                # host ends an upload at its commit. Whether it was is not for the client to guess.
                raise MeshportError("NOT_FOUND", "the connection broke while upload %s of %r was being committed, and the host "
                                    "no longer knows the upload: the first commit was most likely applied (get or list %r to "
                                    "see): %s" % (self.id, self.key, self.key, e.message), e.detail) from e
            raise

    def _abort(self):
        """Tells the host to drop the upload, when it can; an error here changes nothing for the caller."""
        try:
            self.link._request({"op": "abort", "upload": self.id}, timeout=min(self.link.timeout, 10.0))
        except Exception:
            pass

    def _interrupted(self, e):
        why = e.message if isinstance(e, MeshportError) else str(e)
        if self.committing:
            said = ("%s; upload %s of %r was being committed, and may have been stored (get %r to see); if it was not, put"
                    " the same payload again with resume=%r, or abort_upload(%r)"
                    % (why, self.id, self.key, self.key, self.id, self.id))
        else:
            said = ("%s; upload %s of %r stopped, the host having acknowledged %d of its %d bytes: put the same payload again"
                    " with resume=%r (on this or another connection, within the host's uploadIdleSeconds) to go on, or"
                    " abort_upload(%r)" % (why, self.id, self.key, self.received, self.payload.size, self.id, self.id))
        out = ConnectionClosed(said) if isinstance(e, ConnectionClosed) else TimeoutError(said)
        out.upload = self.id
        out.received = self.received
        return out
