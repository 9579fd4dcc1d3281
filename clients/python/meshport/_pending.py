"""Requests waiting for their replies: the frame as sent, and what runs when the reply comes."""
import threading


class _Pending(object):
    """A request waiting for its reply: the frame as sent (sent again after a reconnect), and what
    runs on the I/O thread when the reply comes."""
    __slots__ = ("event", "reply", "on_reply", "on_error", "frame")

    def __init__(self, on_reply=None, frame=None, on_error=None):
        self.event = threading.Event()
        self.reply = None
        self.on_reply = on_reply  # runs on the reader thread, before any later frame is read
        self.on_error = on_error  # likewise, when the reply is an error
        self.frame = frame  # sent again after a reconnect
