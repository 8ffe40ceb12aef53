#!/usr/bin/env python3
"""shapely 2 STRtree as the in-process peer of qala's pins R-tree in the index benchmark.

    python shapely_peer.py DATA_DIR [--repeat R]

DATA_DIR holds the files the Rust driver writes (pins.csv, windows.csv, points.csv, districts.geojson).
Each task runs once as a warm-up, then R timed runs (time.perf_counter, whole task per run); the check is
taken from the last run. ONE JSON object goes to stdout; progress goes to stderr. Loading the files and
creating the shapely geometries of the pins are not part of any timed task.

Output (top level):
  build_tree  {"median_s", "runs_s", "check": {"n_geometries"}, "points_creation_s", "metric_tree_build_s", ...}
  windows     {"median_s", "runs_s", "approximate": false, "check": {"counts": [1000 ints], "sum"}, ...}
  knn10       {"median_s", "runs_s", "approximate": true,  "check": {"ids": [[10 ids] x 1000]}, ...}
  radius500   {"median_s", "runs_s", "approximate": true,  "check": {"counts": [1000 ints], "sum"}, ...}
  districts   {"median_s", "runs_s", "approximate": false,
               "check": {"per_district": {"<id>": count}, "no_district",
                         "multi_district" (pins in more than one district)}, ...}
  memory      {"bytes_per_pin", "method", "rss_delta_bytes", "tracemalloc_bytes", ...}  (not timed)
  shapely_version, geos_version, numpy_version, python_version, n_pins, repeat, loadavg_start, loadavg_end
The query tasks also carry "method" (a sentence) and "variants": {"envelope_numpy": {"median_s", "runs_s",
"same_check", "method"}}: the same task done with the tree's envelope test plus numpy instead of a GEOS
predicate (see the comment above the windows task). median_s/runs_s of the task itself are the predicate way.

Metric frame (knn10, radius500): a local equirectangular projection around lat0 = 43.25 deg, with the WGS 84
meridional and prime-vertical radii of curvature at lat0. Distances in it are exact at lat0 and off by about
tan(lat0) * dlat (~0.3% 0.18 deg north/south of lat0, i.e. at the edges of the city) compared with geodesic
distances on the ellipsoid, which qala (and PostGIS geography) use: hence "approximate": true.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import shapely
from shapely import STRtree

K_NEAREST = 10
RADIUS_M = 500.0

# Local equirectangular frame around Almaty: x = (lon - LON0) * KX, y = (lat - LAT0) * KY, in metres.
LON0 = 76.95
LAT0 = 43.25
_WGS84_A = 6378137.0
_WGS84_F = 1.0 / 298.257223563
_E2 = _WGS84_F * (2.0 - _WGS84_F)
_S2 = math.sin(math.radians(LAT0)) ** 2
_M = _WGS84_A * (1.0 - _E2) / (1.0 - _E2 * _S2) ** 1.5  # meridional radius of curvature at LAT0
_N = _WGS84_A / math.sqrt(1.0 - _E2 * _S2)  # prime-vertical radius of curvature at LAT0
KX = math.radians(1.0) * _N * math.cos(math.radians(LAT0))  # metres per degree of longitude at LAT0
KY = math.radians(1.0) * _M  # metres per degree of latitude at LAT0


def log(*args: object) -> None:
    print("shapely_peer:", *args, file=sys.stderr, flush=True)


def to_metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (lon - LON0) * KX, (lat - LAT0) * KY


# ----------------------------------------------------------------------------------------------- loading


def _header(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [c.strip() for c in f.readline().strip().lstrip("\ufeff").split(",")]


def load_csv(path: str, float_cols: list[str], id_col: str | None = None) -> dict[str, np.ndarray]:
    """Reads a headed CSV by column name with numpy's C reader (about 1.3 s for 1M pins; not timed).

    The id column is read as int64 when every id is an integer, else as strings (never through float64,
    so large integer ids keep every digit)."""
    header = _header(path)
    wanted = ([id_col] if id_col else []) + float_cols
    missing = [c for c in wanted if c not in header]
    if missing:
        raise SystemExit(f"{path}: header {header} lacks column(s) {missing}")
    usecols = [header.index(c) for c in wanted]
    id_types = ["i8", "U64"] if id_col else [None]
    for id_type in id_types:
        dtype = ([("id", id_type)] if id_col else []) + [(c, "f8") for c in float_cols]
        order = sorted(range(len(usecols)), key=lambda i: usecols[i])  # loadtxt yields columns in file order
        dtype_in_file_order = [dtype[i] for i in order]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # an empty file is an error here, not a warning
                arr = np.loadtxt(
                    path,
                    delimiter=",",
                    skiprows=1,
                    usecols=sorted(usecols),
                    dtype=dtype_in_file_order,
                    ndmin=1,
                    encoding="utf-8",
                )
        except ValueError:
            if id_type == "i8":
                log(f"{path}: ids are not all integers; reading them as strings")
                continue
            raise
        out = {("id" if (id_col and name == "id") else name): np.ascontiguousarray(arr[name]) for name, _ in dtype}
        return out
    raise AssertionError("unreachable")


def load_districts(path: str) -> tuple[list, list]:
    from shapely.geometry import shape

    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    ids, polys = [], []
    for i, feat in enumerate(fc.get("features", []), 1):
        geom = feat.get("geometry")
        if not geom or geom.get("type") not in ("Polygon", "MultiPolygon"):
            log(f"{path}: feature #{i} is not a (Multi)Polygon: skipped")
            continue
        fid = (feat.get("properties") or {}).get("id", feat.get("id"))
        if not isinstance(fid, int) or isinstance(fid, bool):
            log(f"{path}: feature #{i} has no integer properties.id ({fid!r}); using {fid if fid is not None else i!r}")
            fid = fid if fid is not None else i
        ids.append(fid)
        polys.append(shape(geom))
    if not polys:
        raise SystemExit(f"{path}: no (Multi)Polygon features")
    return ids, polys


# ----------------------------------------------------------------------------------------------- measuring


def rss_bytes() -> int | None:
    """Current resident set size from /proc/self/status (VmRSS), or None where there is no procfs."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def bench(fn, repeat: int):
    """One warm-up call, then `repeat` timed calls; returns (result of the last call, list of seconds)."""
    fn()
    runs = []
    result = None
    for _ in range(repeat):
        result = None  # free the previous result before the next run
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return result, runs


def timing(runs: list[float]) -> dict:
    return {"median_s": statistics.median(runs), "runs_s": runs}


def id_list(a: np.ndarray) -> list:
    return a.tolist()  # int64 -> int, str -> str


# ----------------------------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per task after one warm-up (default 5)")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")
    d = args.data_dir
    loadavg_start = list(os.getloadavg())
    log(f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), numpy {np.__version__}, "
        f"load average {loadavg_start}")

    # --- inputs (untimed)
    t0 = time.perf_counter()
    pins = load_csv(os.path.join(d, "pins.csv"), ["lon", "lat"], id_col="id")
    ids, lon, lat = pins["id"], pins["lon"], pins["lat"]
    n = len(ids)
    win = load_csv(os.path.join(d, "windows.csv"), ["min_lon", "min_lat", "max_lon", "max_lat"])
    qp = load_csv(os.path.join(d, "points.csv"), ["lon", "lat"])
    qlon, qlat = qp["lon"], qp["lat"]
    district_ids, district_polys = load_districts(os.path.join(d, "districts.geojson"))
    log(f"loaded {n} pins, {len(win['min_lon'])} windows, {len(qlon)} points, {len(district_polys)} districts "
        f"in {time.perf_counter() - t0:.2f} s")
    if n == 0:
        raise SystemExit("pins.csv has no rows")

    # --- memory, measured first so that the first tree of the process lands on fresh pages (untimed).
    # RSS delta around shapely.points(...) and around STRtree(points); tracemalloc on separate builds, because
    # tracemalloc's own per-allocation bookkeeping would inflate an RSS delta taken at the same time.
    gc.collect()
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    pts = shapely.points(lon, lat)
    points_creation_s = time.perf_counter() - t0
    gc.collect()
    rss1 = rss_bytes()
    tree = STRtree(pts)  # shapely >= 2.0 builds the GEOS tree in the constructor (not lazily on first query)
    gc.collect()
    rss2 = rss_bytes()
    del tree
    gc.collect()

    tracemalloc.start()
    tree = STRtree(pts)
    tm_tree_current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del tree
    gc.collect()
    tracemalloc.start()
    pts_copy = shapely.points(lon, lat)
    tm_points_current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del pts_copy
    gc.collect()

    memory: dict = {"n_pins": n}
    if rss0 is not None:
        rss_tree = rss2 - rss1
        memory.update({
            "bytes_per_pin": rss_tree / n,
            "method": "rss_delta (VmRSS from /proc/self/status before/after STRtree(points) over an existing "
                      "array of shapely points; 4 KiB page resolution; GEOS' native allocations included)",
            "rss_delta_bytes": rss_tree,
            "points_rss_delta_bytes": rss1 - rss0,
            "points_bytes_per_pin": (rss1 - rss0) / n,
            "tree_plus_points_bytes_per_pin": (rss2 - rss0) / n,
        })
    else:
        memory.update({"bytes_per_pin": tm_tree_current / n,
                       "method": "tracemalloc only (no /proc/self/status here): misses GEOS' native allocations"})
    memory.update({
        "tracemalloc_bytes": tm_tree_current,
        "tracemalloc_bytes_per_pin": tm_tree_current / n,
        "tracemalloc_points_bytes_per_pin": tm_points_current / n,
        "tracemalloc_note": "tracemalloc sees only Python-allocator memory (the tree object and its arrays), "
                            "not GEOS' C++ tree nodes or GEOS point geometries",
    })
    log(f"memory: {memory.get('bytes_per_pin'):.1f} B/pin tree ({memory['method'].split(' ')[0]}), "
        f"tracemalloc {tm_tree_current / n:.1f} B/pin")

    out: dict = {}

    # --- build_tree: STRtree over the existing array of points (default node capacity 10)
    def build():
        return STRtree(pts)

    tree, runs = bench(build, args.repeat)
    # The metric-frame copy used by knn10 and radius500, built once (not part of build_tree's runs).
    px_m, py_m = to_metric(lon, lat)
    t0 = time.perf_counter()
    pts_m = shapely.points(px_m, py_m)
    tree_m = STRtree(pts_m)
    metric_tree_build_s = time.perf_counter() - t0
    out["build_tree"] = {
        **timing(runs),
        "check": {"n_geometries": len(tree)},
        "points_creation_s": points_creation_s,
        "metric_tree_build_s": metric_tree_build_s,
        "note": "runs_s time STRtree(points) only; creating the shapely points from the lon/lat arrays takes "
                "points_creation_s more. knn10 and radius500 use a second tree over metric-frame points, whose "
                "points+tree build took metric_tree_build_s (once, untimed)",
    }
    log(f"build_tree: median {out['build_tree']['median_s']:.4f} s")

    # Two ways a shapely user runs the query tasks below, both timed; the first is the task's headline figure:
    #   "predicate": STRtree.query(..., predicate="intersects" / "dwithin"), GEOS evaluates the predicate on
    #                 every candidate of the tree (the documented, obvious way);
    #   "envelope_numpy": STRtree.query(boxes) with no predicate (the tree's envelope test only, which for
    #                 points against an axis-aligned box IS the inclusive intersects test), then a numpy distance
    #                 filter where a circle is wanted. Same answers, an order of magnitude faster in shapely 2.2;
    #                 reported under "variants" with "same_check" telling whether it gave the same check.
    def variant(fn, check_of, headline_check: dict, method: str) -> dict:
        res, runs = bench(fn, args.repeat)
        return {**timing(runs), "same_check": check_of(res) == headline_check, "method": method}

    # --- windows: every pin intersecting each bbox, edges inclusive (GEOS intersects counts the boundary)
    w_minx, w_miny, w_maxx, w_maxy = win["min_lon"], win["min_lat"], win["max_lon"], win["max_lat"]
    n_win = len(w_minx)

    def windows():
        boxes = shapely.box(w_minx, w_miny, w_maxx, w_maxy)
        win_idx, tree_idx = tree.query(boxes, predicate="intersects")
        return win_idx, ids[tree_idx]

    def windows_envelope():
        boxes = shapely.box(w_minx, w_miny, w_maxx, w_maxy)
        win_idx, tree_idx = tree.query(boxes)  # envelope test: inclusive on every edge
        return win_idx, ids[tree_idx]

    def windows_check(res) -> dict:
        counts = np.bincount(res[0], minlength=n_win)
        return {"counts": counts.tolist(), "sum": int(counts.sum())}

    res, runs = bench(windows, args.repeat)
    check = windows_check(res)
    del res
    out["windows"] = {
        **timing(runs), "approximate": False, "check": check,
        "method": "STRtree.query(shapely.box(...) for all windows, predicate='intersects')",
        "variants": {"envelope_numpy": variant(windows_envelope, windows_check, check,
                                               "STRtree.query(boxes) without predicate (envelope test)")},
    }
    log(f"windows: median {out['windows']['median_s']:.4f} s, {check['sum']} hits; envelope-only variant "
        f"{out['windows']['variants']['envelope_numpy']['median_s']:.4f} s")

    # Candidates within r metres (inclusive) of each query point in the metric frame, as (query index, tree
    # index, squared frame distance): by GEOS dwithin, or by the envelope query of a 2r square and numpy.
    def within_dwithin(qgeom, qx, qy, r):
        qi, ti = tree_m.query(qgeom, predicate="dwithin", distance=r)
        return qi, ti, None

    def within_envelope(qgeom, qx, qy, r):
        qi, ti = tree_m.query(shapely.box(qx - r, qy - r, qx + r, qy + r))
        d2 = (px_m[ti] - qx[qi]) ** 2 + (py_m[ti] - qy[qi]) ** 2
        keep = d2 <= r * r
        return qi[keep], ti[keep], d2[keep]

    # --- knn10. STRtree.query_nearest gives only the nearest (or all tied nearest), no k. What a shapely user
    # does for k: in a metric frame (x scaled so that metres are isotropic, see to_metric), query every point
    # at once for the pins within a radius r0 sized from the mean pin density to hold ~2k pins; any point with
    # fewer than k hits is queried again at twice the radius until it has k (if k pins lie within r, the k
    # nearest overall do too, so the answer is exact in that frame). Hits are ranked by squared frame distance,
    # ties by pin id. An APPROXIMATION of geodesic k-NN (the frame's scale error, see the module doc).
    k = min(K_NEAREST, n)
    ext_w = max(float(px_m.max() - px_m.min()), 1.0)
    ext_h = max(float(py_m.max() - py_m.min()), 1.0)
    r0 = math.sqrt(2 * k * ext_w * ext_h / (math.pi * n))
    n_q = len(qlon)
    sort_ids = ids if ids.dtype.kind in "iu" else np.argsort(np.argsort(ids, kind="stable"), kind="stable")

    def knn_with(within):
        def knn():
            qx, qy = to_metric(qlon, qlat)
            qgeom = shapely.points(qx, qy)
            nearest = np.empty((n_q, k), dtype=np.int64)
            pending = np.arange(n_q)
            r = r0
            while pending.size:
                qi, ti, d2 = within(qgeom[pending], qx[pending], qy[pending], r)
                enough = np.bincount(qi, minlength=pending.size) >= k
                sel = enough[qi]
                qi, ti = qi[sel], ti[sel]
                if d2 is None:
                    d2 = (px_m[ti] - qx[pending[qi]]) ** 2 + (py_m[ti] - qy[pending[qi]]) ** 2
                else:
                    d2 = d2[sel]
                order = np.lexsort((sort_ids[ti], d2, qi))
                qi, ti = qi[order], ti[order]
                starts = np.searchsorted(qi, np.flatnonzero(enough))
                nearest[pending[enough]] = ti[starts[:, None] + np.arange(k)]
                pending = pending[~enough]
                r *= 2.0
            return ids[nearest]
        return knn

    def knn_check(res) -> dict:
        return {"ids": [id_list(row) for row in res]}

    res, runs = bench(knn_with(within_dwithin), args.repeat)
    check = knn_check(res)
    del res
    frame = f"local equirectangular metric frame (WGS 84 radii of curvature at lat0={LAT0})"
    out["knn10"] = {
        **timing(runs), "approximate": True, "check": check,
        "method": f"STRtree.query(predicate='dwithin') in a {frame}, initial radius {r0:.1f} m doubling until "
                  f"k={k} hits; ranked by frame distance, ties by id",
        "variants": {"envelope_numpy": variant(knn_with(within_envelope), knn_check, check,
                                               "same, candidates by STRtree.query(square boxes) + numpy "
                                               "distance filter")},
    }
    log(f"knn10: median {out['knn10']['median_s']:.4f} s (initial radius {r0:.1f} m); envelope variant "
        f"{out['knn10']['variants']['envelope_numpy']['median_s']:.4f} s")

    # --- radius500: pins within 500 m (inclusive) of each point, in the same metric frame.
    def radius_with(within):
        def radius():
            qx, qy = to_metric(qlon, qlat)
            qi, ti, _ = within(shapely.points(qx, qy), qx, qy, RADIUS_M)
            return qi, ids[ti]
        return radius

    def radius_check(res) -> dict:
        counts = np.bincount(res[0], minlength=n_q)
        return {"counts": counts.tolist(), "sum": int(counts.sum())}

    res, runs = bench(radius_with(within_dwithin), args.repeat)
    check = radius_check(res)
    del res
    out["radius500"] = {
        **timing(runs), "approximate": True, "check": check,
        "method": f"STRtree.query(predicate='dwithin', distance={RADIUS_M}) in a {frame}",
        "variants": {"envelope_numpy": variant(radius_with(within_envelope), radius_check, check,
                                               "STRtree.query(square boxes) + numpy distance filter")},
    }
    log(f"radius500: median {out['radius500']['median_s']:.4f} s, {check['sum']} hits; envelope variant "
        f"{out['radius500']['variants']['envelope_numpy']['median_s']:.4f} s")

    # --- districts: prepared polygons (untimed), then per district a numpy bbox prefilter and
    # shapely.intersects_xy (boundary inclusive; uses the prepared geometry) on the candidates.
    for poly in district_polys:
        shapely.prepare(poly)
    bounds = [poly.bounds for poly in district_polys]

    def districts():
        assigned = []
        n_districts = np.zeros(n, dtype=np.uint16)  # districts per pin (>1 only on shared boundaries)
        for poly, (x0, y0, x1, y1) in zip(district_polys, bounds):
            cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
            hit = cand[shapely.intersects_xy(poly, lon[cand], lat[cand])]
            assigned.append(hit)
            n_districts[hit] += 1  # indices within one district are unique
        return assigned, n_districts

    (assigned, n_districts), runs = bench(districts, args.repeat)
    per_district: dict[str, int] = {}
    for fid, hit in zip(district_ids, assigned):
        per_district[str(fid)] = per_district.get(str(fid), 0) + int(hit.size)
    no_district = int((n_districts == 0).sum())
    out["districts"] = {**timing(runs), "approximate": False,
                        "check": {"per_district": per_district, "no_district": no_district,
                                  "multi_district": int((n_districts > 1).sum())}}
    log(f"districts: median {out['districts']['median_s']:.4f} s, {no_district} pins in no district")

    out["memory"] = memory
    out.update({
        "shapely_version": shapely.__version__,
        "geos_version": shapely.geos_version_string,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "n_pins": n,
        "repeat": args.repeat,
        "loadavg_start": loadavg_start,
        "loadavg_end": list(os.getloadavg()),
    })
    json.dump(out, sys.stdout, separators=(",", ":"), allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
