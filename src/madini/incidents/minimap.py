"""A small map of an incident drawn on the server as SVG: a few kilobytes, no script, no tiles,
so the incident page stays light on a slow connection and works offline."""

import math

import shapely
from django.utils.html import format_html, format_html_join

WIDTH = HEIGHT = 240
# Kilometres shown around the incident's point.
HALF_SIZE_KM = 15
KM_PER_DEGREE = 111.32


def minimap(point, area=None, sites=(), incidents=()):
    """SVG of the area's boundary around `point` (lon, lat), nearby sites (circles) and incidents.

    `sites` and `incidents`: iterables of (longitude, latitude, label). Returns '' without a point or area.
    """
    boundary = shapely.from_geojson(area.geometry) if area is not None and area.geometry else None
    if point is not None:
        longitude, latitude = point
        dlat = HALF_SIZE_KM / KM_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
        box = (longitude - dlon, latitude - dlat, longitude + dlon, latitude + dlat)
    elif boundary is not None:
        box = boundary.bounds
    else:
        return ""
    project = _projection(box)
    parts = []
    if boundary is not None:
        clipped = shapely.clip_by_rect(boundary, *box).simplify((box[2] - box[0]) / WIDTH)
        path = _path(clipped, project)
        if path:
            parts.append(format_html('<path class="minimap-area" d="{}"/>', path))
    parts.append(format_html_join("", '<circle class="minimap-site" cx="{}" cy="{}" r="3"><title>{}</title></circle>',
                                  ((*project(lon, lat), label) for lon, lat, label in sites)))
    parts.append(format_html_join("", '<circle class="minimap-other" cx="{}" cy="{}" r="4"><title>{}</title></circle>',
                                  ((*project(lon, lat), label) for lon, lat, label in incidents)))
    if point is not None:
        parts.append(format_html('<circle class="minimap-incident" cx="{}" cy="{}" r="6"/>', *project(*point)))
    return format_html(
        '<svg class="minimap" viewBox="0 0 {} {}" width="{}" height="{}" role="img">{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, format_html_join("", "{}", ((part,) for part in parts)),
    )


def _projection(box):
    min_lon, min_lat, max_lon, max_lat = box
    mid_lat = math.radians((min_lat + max_lat) / 2)
    width = max((max_lon - min_lon) * math.cos(mid_lat), 1e-9)
    height = max(max_lat - min_lat, 1e-9)
    scale = min(WIDTH / width, HEIGHT / height)

    def project(longitude, latitude):
        x = (longitude - min_lon) * math.cos(mid_lat) * scale
        y = HEIGHT - (latitude - min_lat) * scale
        return round(x, 1), round(y, 1)

    return project


def _path(geometry, project):
    commands = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [getattr(polygon, "exterior", None), *getattr(polygon, "interiors", [])]:
            if ring is None or ring.is_empty:
                continue
            points = [project(x, y) for x, y in ring.coords]
            commands.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(commands)
