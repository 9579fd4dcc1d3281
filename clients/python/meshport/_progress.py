"""Progress of a put: the caller's ``progress`` callable, and a bar on a terminal when tqdm is there."""
import sys


class Progress(object):
    """Tells how many bytes of a payload the host holds: to ``progress(sent, total)`` when given, and,
    with ``bar``, to a tqdm bar on standard error when tqdm can be imported and standard error is a
    terminal (nothing otherwise: tqdm is never required, and piped output gets nothing extra). Each
    count is told once; the bar opens at the first."""

    def __init__(self, progress, total, what, bar=False):
        self._progress = progress
        self.total = total
        self._what = what
        self._want_bar = bar
        self._bar = None
        self._at = None

    def __call__(self, at):
        if at == self._at:
            return
        if self._want_bar:
            if self._bar is None:
                self._bar = open_bar(self.total, at, self._what)
                self._want_bar = self._bar is not None
            else:
                self._bar.update(at - self._at)
        self._at = at
        if self._progress is not None:
            self._progress(at, self.total)

    def close(self):
        """Closes the bar, if one is open."""
        bar, self._bar = self._bar, None
        if bar is not None:
            bar.close()


def open_bar(total, at, what):
    """A tqdm bar of ``total`` bytes starting at ``at`` on standard error, or None: no terminal there,
    or no tqdm."""
    stream = sys.stderr
    try:
        if stream is None or not stream.isatty():
            return None
    except (AttributeError, ValueError):  # no isatty, or closed
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=at, unit="B", unit_scale=True, unit_divisor=1024, desc=what, file=stream)
