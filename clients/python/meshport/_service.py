"""Remote services: an exported service of the host as an object whose methods make calls."""


class Service(object):
    """An exported service of the host: attribute access makes calls, ``conn.nodes.cook("/obj/s1")``."""

    def __init__(self, conn, name):
        self._conn = conn
        self._name = name

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args):
            return self._conn.call(self._name, method, *args)

        call.__name__ = method
        return call

    def __eq__(self, other):
        return isinstance(other, Service) and other._conn is self._conn and other._name == self._name

    def __hash__(self):
        return hash((id(self._conn), self._name))

    def __repr__(self):
        return "<meshport service %r at %s:%d>" % (self._name, self._conn.host, self._conn.port)
