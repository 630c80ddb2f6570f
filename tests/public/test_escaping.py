import datetime

import pytest

from madini.geo.names import fold
from madini.sites.models import Site, Visit

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '<script>alert("madini")</script>'


@pytest.fixture
def hostile_site():
    site = Site.objects.create(
        pcode="codmine99902",
        name=HOSTILE_NAME,
        key=fold(HOSTILE_NAME),
        longitude=28.86,
        latitude=-2.49,
        province="<b>Kivu</b>",
        province_key=fold("<b>Kivu</b>"),
        territory='"><script>x()</script>',
        territory_key=fold('"><script>x()</script>'),
    )
    Visit.objects.create(
        site=site, source_key="test:99902", visit_date=datetime.date(2023, 5, 1), is_latest=True, row_hash="-"
    )
    return site


def test_a_site_name_with_a_script_is_escaped_on_the_dashboard(client, hostile_site):
    page = client.get("/dashboard/", {"q": "codmine99902"}).content.decode()

    assert "&lt;script&gt;alert(&quot;madini&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_admin_names_with_markup_are_escaped_in_the_filter_panel(client, hostile_site):
    page = client.get("/").content.decode()

    assert '<option value="&lt;b&gt;Kivu&lt;/b&gt;">&lt;b&gt;Kivu&lt;/b&gt;</option>' in page
    assert "<script>x()" not in page
    assert "<b>Kivu</b>" not in page


def test_a_search_with_markup_is_escaped_where_it_is_shown_again(client, hostile_site):
    page = client.get("/", {"q": HOSTILE_NAME}).content.decode()

    assert "<script>alert" not in page
    assert 'value="&lt;script&gt;alert(&quot;madini&quot;)&lt;/script&gt;"' in page
