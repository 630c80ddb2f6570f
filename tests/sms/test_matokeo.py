"""MATOKEO by SMS, and the staff API that records the prices it answers with."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from madini.geo.names import fold
from madini.sites.models import Mineral
from madini.sms.commands.simulate import Simulator
from madini.sms.models import MineralPrice
from madini.sms.text import count_segments

pytestmark = pytest.mark.django_db


def mineral(name, name_en):
    return Mineral.objects.update_or_create(
        key=fold(name), defaults={"name": name, "name_en": name_en, "key_en": fold(name_en.split(" (")[0])}
    )[0]


@pytest.fixture
def gold():
    return mineral("Or", "Gold")


@pytest.fixture
def tin():
    return mineral("Cassitérite", "Cassiterite (tin)")


def price(mineral, market, amount, day, unit="g", currency="USD"):
    return MineralPrice.objects.create(
        mineral=mineral, market=market, price=Decimal(amount), unit=unit, currency=currency,
        recorded_on=datetime.date(2026, 3, day),
    )


@pytest.fixture
def prices(gold, tin):
    price(gold, "Bukavu", "61.20", 1)
    price(gold, "Bukavu", "63.50", 10)
    price(gold, "Kamituga", "60", 8)
    price(tin, "Bukavu", "12", 9, unit="kg")


def test_matokeo_answers_the_latest_price_of_each_mineral_and_market(prices):
    reply = Simulator(language="en").send("MATOKEO")

    assert reply == (
        "Mineral prices:\n"
        "Gold Bukavu: 63.5 USD/g 10/03/26\n"
        "Cassiterite Bukavu: 12 USD/kg 09/03/26\n"
        "Gold Kamituga: 60 USD/g 08/03/26"
    )


@pytest.mark.parametrize("asked", ["dhahabu", "DHAHABU", "dhahbu", "gold", "Or"])
def test_a_mineral_is_asked_for_by_any_of_its_names(prices, asked):
    reply = Simulator(language="sw").send(f"MATOKEO {asked}")

    assert reply == "Bei za madini:\nDhahabu Bukavu: 63.5 USD/g 10/03/26\nDhahabu Kamituga: 60 USD/g 08/03/26"


def test_a_buyers_word_finds_the_mineral_of_the_data(prices):
    assert Simulator(language="fr").send("matokeo tin") == "Prix des minerais:\nCassitérite Bukavu: 12 USD/kg 09/03/26"


def test_a_mineral_without_a_price_is_answered_so(prices):
    mineral("Coltan", "Coltan (tantalum)")

    assert Simulator(language="en").send("MATOKEO coltan").startswith("No price for that mineral.")
    assert Simulator(language="en").send("MATOKEO bananas").startswith("No price for that mineral.")


def test_no_price_at_all_is_answered_so(db):
    assert Simulator(language="fr").send("MATOKEO") == "Aucun prix enregistré pour le moment."


def test_many_prices_are_cut_to_two_sms(gold):
    for day in range(1, 29):
        price(gold, f"Marché numéro {day} à Kolwezi-Centre", "64.25", day)

    reply = Simulator(language="fr").send("MATOKEO")

    assert count_segments(reply) == 2
    assert reply.splitlines()[1] == "Or Marché numéro 28 à Kolwezi-Centre: 64.25 USD/g 28/03/26"


def post_price(client, **fields):
    price = {"mineral": "gold", "market": "Bukavu", "price": "64", "unit": "g", "currency": "USD", "recorded_on": "2026-03-12"}
    return client.post(reverse("mineral-price-list"), {**price, **fields}, content_type="application/json")


@pytest.mark.urls("madini.sms.api_urls")
class TestPriceApi:
    def test_signed_in_users_read_the_prices(self, client, django_user_model, prices):
        client.force_login(django_user_model.objects.create_user("cso-member"))

        response = client.get(reverse("mineral-price-list"), {"mineral__key": "or"})

        assert response.status_code == 200
        assert [(row["mineral"], row["market"], row["price"]) for row in response.json()["results"]] == [
            ("Or", "Bukavu", "63.50"), ("Or", "Kamituga", "60.00"), ("Or", "Bukavu", "61.20"),
        ]

    def test_the_public_cannot_read_them(self, client, prices):
        assert client.get(reverse("mineral-price-list")).status_code in (401, 403)

    def test_staff_record_a_price_by_any_name_of_the_mineral(self, client, admin_user, gold):
        client.force_login(admin_user)

        response = post_price(client, mineral="dhahabu", price="64.10", currency="usd")

        assert response.status_code == 201, response.json()
        recorded = MineralPrice.objects.get()
        assert (recorded.mineral, recorded.currency, recorded.recorded_by) == (gold, "USD", admin_user)
        assert Simulator(language="en").send("MATOKEO gold") == "Mineral prices:\nGold Bukavu: 64.1 USD/g 12/03/26"

    def test_other_users_cannot_record_prices(self, client, django_user_model, gold):
        client.force_login(django_user_model.objects.create_user("cso-member"))

        response = post_price(client)

        assert response.status_code == 403
        assert not MineralPrice.objects.exists()

    def test_an_unknown_mineral_is_refused_with_its_name(self, client, admin_user, gold):
        client.force_login(admin_user)

        response = post_price(client, mineral="unobtainium")

        assert response.status_code == 400
        assert response.json() == {"mineral": ["No mineral is called unobtainium."]}
