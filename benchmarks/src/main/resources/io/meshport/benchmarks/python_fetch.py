"""Times fetching a node's output through the Python client (the package in clients/python), for
``meshport bench remote``.

    python3 python_fetch.py CLIENT_DIR HOST PORT NODE_PATH OUTPUT_KEY POINTS REPEATS

Prints ``name value`` lines: the fetch times in milliseconds (node_output, the node's output through a
call; get_mesh, the same points read as a session entry), and the ping round trip as a reference.
"""
import sys
import time

sys.path.insert(0, sys.argv[1])  # clients/python, holding the package meshport
import meshport  # noqa: E402


def main():
    host, port, path, key = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    points, repeats = int(sys.argv[6]), int(sys.argv[7])
    print("numpy %s" % ("none" if meshport.numpy is None else meshport.numpy.__version__))
    with meshport.connect(host, port) as conn:
        pings = []
        for _ in range(200):
            t = time.perf_counter()
            conn.ping()
            pings.append((time.perf_counter() - t) * 1e3)
        for name, fetch in (("nodeOutput", lambda: conn.node_output(path)), ("getMesh", lambda: conn.get_mesh(key))):
            times = []
            for _ in range(repeats + 1):  # the first warms up
                t = time.perf_counter()
                mesh = fetch()
                times.append((time.perf_counter() - t) * 1e3)
                got = len(mesh["positions"]) if meshport.numpy is not None else len(mesh["positions"]) // 3
                if got != points:
                    sys.exit("%s gave %d points, not %d" % (name, got, points))
            times = sorted(times[1:])
            print("%sBestMs %.3f" % (name, times[0]))
            print("%sMedianMs %.3f" % (name, times[len(times) // 2]))
        pings.sort()
        print("pingMedianMs %.4f" % pings[len(pings) // 2])


if __name__ == "__main__":
    main()
