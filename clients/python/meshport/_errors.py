"""The errors the client raises: what the host reported, and a connection that is closed."""


class MeshportError(Exception):
    """An error the host reported: ``code`` (e.g. ``"NOT_FOUND"``), ``message``, ``detail`` (a dict).
    ``upload``: the id of an upload that the failed call left open on the host (to go on with
    ``resume=``), else None."""

    upload = None

    def __init__(self, code, message, detail=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.detail = detail or {}


class ConnectionClosed(MeshportError):
    """The connection is closed (by ``close()``, a ``bye`` from the host, or a network failure)."""

    def __init__(self, why):
        super().__init__("CLOSED", why)

