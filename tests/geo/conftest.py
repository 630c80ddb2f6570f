"""The real boundaries and gazetteers, imported once for the tests of this folder.

They are committed to the test database while these tests run and removed after the last
of them, so the tests of other apps never see them. A test that changes them runs in a
transaction that is rolled back, like any other.
"""

import pytest

from madini.geo.importers import import_boundaries, import_places
from madini.geo.models import AdminArea, Place
from madini.geo.queries import forget_search_choices
from madini.geo.services import assign_site_areas


@pytest.fixture(scope="package")
def boundaries(django_db_setup, django_db_blocker, boundaries_dir):
    """The reports of importing the whole boundaries folder."""
    with django_db_blocker.unblock():
        reports = import_boundaries(boundaries_dir)
    yield {report.path.name: report for report in reports}
    with django_db_blocker.unblock():
        delete_areas()
        assign_site_areas()
        forget_search_choices()


def delete_areas():
    """Delete every admin area, quickly: without loading their boundaries or walking the tree."""
    AdminArea.objects.update(parent=None)
    AdminArea.objects.only("id").delete()


@pytest.fixture
def without_areas(boundaries):
    """No admin area, for this test only."""
    delete_areas()


@pytest.fixture(scope="package")
def gazetteer_dir(boundaries_dir):
    return boundaries_dir.parent / "gazetteer"


@pytest.fixture(scope="package")
def places(django_db_setup, django_db_blocker, gazetteer_dir):
    """The reports of importing the whole gazetteer folder."""
    with django_db_blocker.unblock():
        reports = import_places(gazetteer_dir)
    yield {report.path.name: report for report in reports}
    with django_db_blocker.unblock():
        Place.objects.only("id").delete()
        forget_search_choices()


@pytest.fixture
def area(boundaries):
    """The area of a level named so (the canonical name)."""

    def named(name, level):
        return AdminArea.objects.get(name=name, level=level)

    return named
