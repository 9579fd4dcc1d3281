"""Baseline for `meshport bench scatter`: trimesh's sample_surface algorithm, vectorised with NumPy.

Usage: python3 trimesh_sample_surface.py DIR COUNT REPEATS
DIR holds positions.f32 (x y z per point) and indices.i32 (three per triangle), raw little-endian.
Prints one "key value" line per measurement; times cover sampling only, never file loading.
"""
import sys
import time

import numpy as np


def face_areas(vertices, faces):
    # trimesh caches mesh.area_faces on the mesh, so it is timed apart (like SurfaceTable.of).
    v0 = vertices[faces[:, 0]]
    cross = np.cross(vertices[faces[:, 1]] - v0, vertices[faces[:, 2]] - v0)
    return np.linalg.norm(cross, axis=1) / 2.0


def sample_surface_trimesh(vertices, faces, area, count, rng):
    """trimesh.sample.sample_surface as trimesh writes it (no weights, no colour)."""
    weight_cum = np.cumsum(area)
    face_pick = rng.random(count) * weight_cum[-1]
    face_index = np.searchsorted(weight_cum, face_pick)
    # trimesh builds origin + two edge vectors for every face, then picks the sampled ones
    tri_origins = vertices[faces[:, 0]]
    tri_vectors = vertices[faces[:, 1:]].copy()
    tri_vectors -= np.tile(tri_origins, (1, 2)).reshape((-1, 2, 3))
    tri_origins = tri_origins[face_index]
    tri_vectors = tri_vectors[face_index]
    # two uniforms per sample; pairs summing above 1 are folded back into the triangle
    random_lengths = rng.random((len(tri_vectors), 2, 1))
    random_test = random_lengths.sum(axis=1).reshape(-1) > 1.0
    random_lengths[random_test] -= 1.0
    random_lengths = np.abs(random_lengths)
    sample_vector = (tri_vectors * random_lengths).sum(axis=1)
    return sample_vector + tri_origins, face_index


def sample_surface_gather(vertices, faces, area, count, rng):
    """The same distribution, but gathering only the sampled triangles' corners (a stronger baseline)."""
    weight_cum = np.cumsum(area)
    face_index = np.searchsorted(weight_cum, rng.random(count) * weight_cum[-1])
    tri = faces[face_index]
    origin = vertices[tri[:, 0]]
    e1 = vertices[tri[:, 1]] - origin
    e2 = vertices[tri[:, 2]] - origin
    uv = rng.random((count, 2))
    fold = uv.sum(axis=1) > 1.0
    uv[fold] = 1.0 - uv[fold]
    return origin + uv[:, 0:1] * e1 + uv[:, 1:2] * e2, face_index


def sample_surface_sorted(vertices, faces, area, count, rng):
    """The gather variant with the uniforms sorted first, so that searchsorted walks the table in order
    (the idea the Java code uses, here with an O(n log n) sort instead of exponential spacings)."""
    weight_cum = np.cumsum(area)
    face_index = np.searchsorted(weight_cum, np.sort(rng.random(count)) * weight_cum[-1])
    tri = faces[face_index]
    origin = vertices[tri[:, 0]]
    e1 = vertices[tri[:, 1]] - origin
    e2 = vertices[tri[:, 2]] - origin
    uv = rng.random((count, 2))
    fold = uv.sum(axis=1) > 1.0
    uv[fold] = 1.0 - uv[fold]
    return origin + uv[:, 0:1] * e1 + uv[:, 1:2] * e2, face_index


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[0], times[len(times) // 2]


def main():
    directory, count, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    vertices = np.fromfile(directory + "/positions.f32", dtype="<f4").reshape((-1, 3)).astype(np.float64)
    faces = np.fromfile(directory + "/indices.i32", dtype="<i4").reshape((-1, 3)).astype(np.int64)
    rng = np.random.default_rng(1)

    area_best, _ = best(lambda: face_areas(vertices, faces), max(1, repeats // 2))
    area = face_areas(vertices, faces)
    # sanity: every sample of the baseline lies inside the bounds (catches a broken load)
    pts, idx = sample_surface_trimesh(vertices, faces, area, count, rng)
    assert pts.shape == (count, 3) and idx.max() < len(faces)
    assert np.all(pts >= vertices.min(axis=0) - 1e-9) and np.all(pts <= vertices.max(axis=0) + 1e-9)

    t_best, t_median = best(lambda: sample_surface_trimesh(vertices, faces, area, count, rng), repeats)
    g_best, g_median = best(lambda: sample_surface_gather(vertices, faces, area, count, rng), repeats)
    s_best, s_median = best(lambda: sample_surface_sorted(vertices, faces, area, count, rng), repeats)
    weight_cum = np.cumsum(area)
    queries = rng.random(count) * weight_cum[-1]
    search_best, _ = best(lambda: np.searchsorted(weight_cum, queries), repeats)
    print("numpy", np.__version__)
    print("triangles", len(faces))
    print("area_seconds", area_best)
    print("trimesh_best", t_best)
    print("trimesh_median", t_median)
    print("gather_best", g_best)
    print("gather_median", g_median)
    print("sorted_best", s_best)
    print("sorted_median", s_median)
    print("searchsorted_only_best", search_best)


if __name__ == "__main__":
    main()
