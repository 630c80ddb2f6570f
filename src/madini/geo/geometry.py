"""Boundary geometry as Madini stores it: valid polygons on a 1e-5° grid, as GeoJSON text."""

import numpy as np
import shapely

DECIMALS = 5
GRID = 10**-DECIMALS


class NotPolygonal(ValueError):
    """The geometry has no area: a point, a line, or nothing."""


def clean_boundary(geometry):
    """`geometry` as valid polygons snapped to the storage grid, and whether it had to be repaired.

    Repair keeps only the polygonal parts of what `make_valid` returns: a boundary that
    crosses itself becomes polygons, and stray lines or points from the repair are dropped.
    """
    if geometry is None or geometry.is_empty:
        raise NotPolygonal("no geometry")
    if geometry.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        raise NotPolygonal(f"a {geometry.geom_type} is not a boundary")
    repaired = not geometry.is_valid
    if repaired:
        geometry = shapely.make_valid(geometry)
    geometry = polygonal_parts(geometry)
    geometry = shapely.set_precision(geometry, GRID)
    if geometry.is_empty:
        raise NotPolygonal("the boundary has no area once snapped to the 1e-5° grid")
    return geometry, repaired


def polygonal_parts(geometry):
    if geometry.geom_type in {"Polygon", "MultiPolygon"}:
        return geometry
    polygons = [part for part in shapely.get_parts(geometry) if part.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(polygons, grid_size=GRID)


def dissolve(geometries):
    """One boundary covering all `geometries` (already clean)."""
    return shapely.union_all(geometries, grid_size=GRID)


def to_geojson(geometry):
    return shapely.to_geojson(shapely.transform(geometry, lambda coordinates: np.round(coordinates, DECIMALS)))


def from_geojson(text):
    return shapely.from_geojson(text)


def bounds(geometry):
    """(min_lon, min_lat, max_lon, max_lat), rounded like the coordinates."""
    return tuple(round(value, DECIMALS) for value in geometry.bounds)

