"""The category taxonomy the data migration loads (OECD Annex II, as Kufatilia uses it)."""

import pytest

from madini.incidents.models import IncidentCategory
from madini.incidents.queries import sms_menu_categories
from madini.sms.text import is_gsm7

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "sw")


def test_the_sms_menu_offers_the_top_level_categories_in_order():
    assert [category.code for category in sms_menu_categories()] == [
        "accident",
        "violence",
        "child-labour",
        "environment",
        "corruption",
        "roadblock",
        "armed-interference",
        "land-dispute",
        "labour-rights",
        "fraud-smuggling",
        "other",
    ]


@pytest.mark.parametrize(
    "parent, children",
    [
        ("accident", {"accident-pit-collapse", "accident-injury", "accident-explosives", "accident-flooding"}),
        ("violence", {"violence-physical", "violence-sexual", "violence-killing"}),
        ("environment", {"environment-mercury", "environment-water-pollution", "environment-deforestation"}),
        ("labour-rights", {"labour-rights-forced-labour"}),
    ],
)
def test_subcategories_hang_under_their_category_and_stay_out_of_the_menu(parent, children):
    category = IncidentCategory.objects.get(code=parent)

    assert set(category.children.values_list("code", flat=True)) == children
    assert not category.children.exclude(menu_order=None).exists()


def test_every_category_is_labelled_in_every_language_and_its_sms_label_is_gsm7():
    for category in IncidentCategory.objects.all():
        for language in LANGUAGES:
            assert category.label(language) == getattr(category, f"label_{language}") != ""
            assert is_gsm7(category.sms_label(language)), (category.code, language)


def test_a_deactivated_category_leaves_the_menu():
    IncidentCategory.objects.filter(code="roadblock").update(active=False)

    assert "roadblock" not in [category.code for category in sms_menu_categories()]
