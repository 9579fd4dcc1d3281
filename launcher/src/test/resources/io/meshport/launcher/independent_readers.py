# Reads mesh files with Debian's meshio and Open3D, independent readers to compare Meshport's with: one JSON
# line per file, {"file", "meshio": {...} or {"error"}, "open3d": {...} or {"error"}}. Run by IndependentReadersIT.
import json
import sys

import meshio
import numpy as np
import open3d as o3d


def plain(a):
    return np.asarray(a).tolist()


def with_meshio(path):
    m = meshio.read(path)
    return {"points": plain(m.points),
            "cells": [[c.type, plain(c.data)] for c in m.cells],
            "point_data": {k: plain(v) for k, v in m.point_data.items()},
            "cell_data": {k: [plain(b) for b in v] for k, v in m.cell_data.items()}}


def with_open3d(path):
    # OBJ goes through Assimp here; its post-processing leaves triangles as they are.
    mesh = o3d.io.read_triangle_mesh(path, enable_post_processing=path.lower().endswith(".obj"))
    out = {"vertices": plain(mesh.vertices), "triangles": plain(mesh.triangles),
           "vertex_colors": plain(mesh.vertex_colors), "vertex_normals": plain(mesh.vertex_normals),
           "triangle_normals": plain(mesh.triangle_normals), "triangle_uvs": plain(mesh.triangle_uvs)}
    if path.lower().endswith(".ply"):
        # The tensor reader keeps every scalar vertex property of a PLY file, by its name.
        try:
            cloud = o3d.t.io.read_point_cloud(path)
            out["attributes"] = {k: plain(cloud.point[k].numpy().reshape(-1)) for k in cloud.point
                                 if k not in ("positions", "colors", "normals")}
        except BaseException as e:
            out["attributes_error"] = type(e).__name__ + ": " + str(e)
    return out


def attempt(read, path):
    try:
        return read(path)
    except BaseException as e:  # meshio calls sys.exit on some files
        return {"error": type(e).__name__ + ": " + str(e)}


for path in sys.argv[1:]:
    print(json.dumps({"file": path, "meshio": attempt(with_meshio, path), "open3d": attempt(with_open3d, path)}))
    sys.stdout.flush()
