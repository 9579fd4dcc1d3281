"""Puts a point cloud with Cd through the Python client, which uploads it in pieces: the benchmark's figure.

Arguments: the client's folder, host, port, points, upload threshold in bytes (0: above one frame).
Prints `name value` lines: the best of two puts.
"""
import sys
import time

sys.path.insert(0, sys.argv[1])
import numpy as np  # noqa: E402
import meshport  # noqa: E402

host, port, points, threshold = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = np.random.default_rng(7)
positions = rng.random((points, 3), dtype=np.float32) * 100
colours = rng.random((points, 3), dtype=np.float32)
best = None
with meshport.connect(host, port, upload_threshold=threshold or None, progress_bar=False) as c:
    for _ in range(2):
        t0 = time.perf_counter()
        r = c.put_mesh("bench/upload-python", positions, attributes={"Cd": ("point", 3, colours)})
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
        if r["summary"]["points"] != points:
            raise SystemExit("the host stored %r" % (r["summary"],))
        c.delete("bench/upload-python")
print("pythonMs %.3f" % (best * 1000))
