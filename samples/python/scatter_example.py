"""Push a mesh into a Meshport host, scatter points on it with the host's scatter node, read the
points back, then push a changed mesh and watch the node re-cook by itself.

    python3 scatter_example.py [--port 18830] [--token-file FILE]

Needs only cbor2 (and uses NumPy when it is there), and the Python client: installed
(``pip install ./clients/python``) or, run from the checkout, found in clients/python.
"""
import argparse
import math
import os
import sys

# Run from the checkout: the client's package in clients/python comes first (no need to install it).
_CHECKOUT_CLIENT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "clients", "python")
if os.path.isfile(os.path.join(_CHECKOUT_CLIENT, "meshport", "__init__.py")):
    sys.path.insert(0, _CHECKOUT_CLIENT)
import meshport  # noqa: E402


def grid(n, height):
    """An n by n grid of quads over [0, n] squared at z = height, with a colour per point."""
    side = n + 1
    positions, colours, indices, counts = [], [], [], []
    for y in range(side):
        for x in range(side):
            positions += [x, y, height]
            colours += [x / n, y / n, 0.5]
    for y in range(n):
        for x in range(n):
            a = y * side + x
            indices += [a, a + 1, a + side + 1, a + side]
            counts.append(4)
    return positions, indices, counts, colours


def z_values(mesh):
    """The z of every point: a column of the (P, 3) NumPy array, or every third float without NumPy."""
    p = mesh["positions"]
    return [float(v) for v in (p[:, 2] if meshport.numpy is not None else p[2::3])]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=int(os.environ.get("MESHPORT_PORT", meshport.DEFAULT_PORT)))
    ap.add_argument("--token-file")
    ap.add_argument("--count", type=int, default=5000)
    args = ap.parse_args()
    token = open(args.token_file).readline().strip() if args.token_file else None

    with meshport.connect(args.host, args.port, token=token) as conn:
        positions, indices, counts, colours = grid(20, 0.0)
        put = conn.put_mesh("example/grid", positions, indices, face_counts=counts,
                            attributes={"Cd": ("point", 3, colours)})
        print("pushed example/grid: version %d, %d points, %d faces" % (put["version"], put["summary"]["points"],
                                                                        put["summary"]["faces"]))
        path = conn.nodes.create("/obj", "scatter", None)
        conn.nodes.setParm(path, "source", "example/grid")
        conn.nodes.setParm(path, "count", args.count)
        conn.nodes.setParm(path, "method", "poisson")
        conn.nodes.setParm(path, "output", "example/points")
        cooked = conn.nodes.cook(path)
        print("cooked %s: %d points, min spacing %.4f (%.2f of the target radius) -> %s version %d" % (
            path, cooked["points"], cooked["stats"]["minSpacing"], cooked["stats"]["relativeSpacing"],
            cooked["outputKey"], cooked["outputVersion"]))

        points = conn.get_mesh("example/points")
        zs = z_values(points)
        print("read back %d points with attributes %s; every z is %.1f" % (
            len(zs), sorted(points["attributes"]), max(zs)))

        with conn.watch("example/points") as watch:
            positions, indices, counts, colours = grid(20, 2.5)
            moved = conn.put_mesh("example/grid", positions, indices, face_counts=counts,
                                  attributes={"Cd": ("point", 3, colours)})
            event = watch.next_event(timeout=30)
            if event is None:
                sys.exit("the scatter node did not re-cook within 30 s")
            z = min(z_values(conn.get_mesh("example/points")))
            print("pushed a raised grid (version %d): the node re-cooked by itself, example/points version %d, z now %.1f"
                  % (moved["version"], event["version"], float(z)))
        info = conn.nodes.node(path)
        print("node %s: state %s, cooked %d times" % (path, info["state"], info["cookCount"]))
        conn.nodes.delete(path)
        try:
            conn.nodes.cook("/obj/no_such_node")
        except meshport.MeshportError as e:
            print("errors carry their code: %s" % e.code)
        if not math.isclose(float(z), 2.5):
            sys.exit("the re-cooked points are not on the raised grid")


if __name__ == "__main__":
    main()
