"""Opens the socket to a host: TCP, or TLS trusting a CA file, the system's CAs or a pinned certificate."""
import hashlib
import hmac
import socket
import ssl


class Transport(object):
    """Where and how to reach the host; each ``open`` makes a new connected, blocking socket."""

    def __init__(self, host, port, tls=False, cafile=None, pin=None, check_hostname=True):
        self.host = host
        self.port = port
        self.tls = tls
        self.cafile = cafile
        self.pin = pin
        self.check_hostname = check_hostname

    def open(self, timeout):
        """A new socket to the host (TLS wrapped when asked), blocking, connected."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            sock.close()
            raise
        if self.tls:
            sock = wrap(sock, self.host, self.cafile, self.pin, self.check_hostname)
        return sock


def wrap(sock, host, cafile, pin, check_hostname):
    """``sock`` wrapped in TLS, its certificate checked against ``pin`` or else ``cafile``."""
    if pin is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # checked below against the pin instead
    else:
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.check_hostname = check_hostname
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        wrapped = ctx.wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise
    if pin is not None:
        got = hashlib.sha256(wrapped.getpeercert(binary_form=True)).hexdigest()
        want = pin.replace(":", "").strip().lower()
        if not hmac.compare_digest(got, want):
            wrapped.close()
            raise ssl.SSLError("the host's certificate is %s, not the pinned %s" % (got, want))
    return wrapped
