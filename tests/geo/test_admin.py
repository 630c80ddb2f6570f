"""The geo tables in Django's admin."""

import pytest

from madini.geo.models import AdminArea

pytestmark = pytest.mark.django_db


def test_the_area_list_shows_areas_without_their_geometry(boundaries, admin_client):
    response = admin_client.get("/admin/geo/adminarea/", {"q": "Kivu"})

    assert response.status_code == 200
    assert "Sud-Kivu" in response.text
    assert "coordinates" not in response.text


def test_the_area_page_shows_only_the_start_of_the_geometry(boundaries, admin_client):
    area = AdminArea.objects.get(name="Sud-Kivu", level=AdminArea.Level.PROVINCE)

    response = admin_client.get(f"/admin/geo/adminarea/{area.id}/change/")

    assert response.status_code == 200
    assert "South Kivu" in response.text
    assert f"({len(area.geometry)} characters)" in response.text
    assert len(response.text) < len(area.geometry)


def test_the_area_list_filters_by_level(boundaries, admin_client):
    response = admin_client.get("/admin/geo/adminarea/", {"level__exact": AdminArea.Level.COUNTRY})

    assert response.status_code == 200
    assert "Tanzania" in response.text
    assert "Sud-Kivu" not in response.text


def test_the_place_list_renders(places, admin_client):
    response = admin_client.get("/admin/geo/place/", {"q": "bukavu"})

    assert response.status_code == 200
    assert "Bukavu" in response.text
