"""Import admin boundaries (GeoJSON) and gazetteer places (CSV) into the geo tables."""

from madini.geo.importers.boundaries import BoundaryFileError, import_boundaries
from madini.geo.importers.boundary_schemas import FieldMapping
from madini.geo.importers.places import PlaceFileError, import_places

__all__ = ["BoundaryFileError", "FieldMapping", "PlaceFileError", "import_boundaries", "import_places"]
