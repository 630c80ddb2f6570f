"""MATOKEO: the latest price recorded for each mineral and market, in at most two SMS.

A mineral is asked for by any of its names: the French name the site data uses ("Or",
"Cassitérite"), its English name or a buyer's word ("gold", "tin"), or its Swahili name ("dhahabu",
"bati"), forgiving one slip ("dhahbu").
"""

from django.db.models import OuterRef, Subquery

from madini.geo.names import fold
from madini.sites.models import Mineral
from madini.sites.vocabulary import MINERAL_COMMODITY_ALIASES
from madini.sms.keywords import is_spelling_of
from madini.sms.models import MineralPrice
from madini.sms.questionnaire import message
from madini.sms.text import fit_lines, gsm7_spelling

# Swahili names by the folded French name of the data.
SWAHILI_NAMES = {
    "or": "Dhahabu",
    "cassiterite": "Bati",
    "coltan": "Koltani",
    "wolframite": "Wolframu",
    "cuivre": "Shaba",
    "cobalt": "Kobalti",
    "diamant": "Almasi",
    "fer": "Chuma",
    "argent": "Fedha",
    "charbon": "Makaa ya mawe",
}
MOST_LINES = 20


def prices_reply(argument, language):
    """The reply to MATOKEO [argument], in `language`."""
    if argument:
        minerals = minerals_named(argument)
        prices = latest_prices(minerals) if minerals else []
        if not prices:
            return message("no_price_for_mineral", language)
    else:
        prices = latest_prices()
        if not prices:
            return message("no_prices", language)
    return fit_lines([message("prices", language), *(price_line(price, language) for price in prices)])


def latest_prices(minerals=None):
    """The latest MineralPrice of each mineral and market, the most recent first."""
    newest = MineralPrice.objects.filter(mineral=OuterRef("mineral"), market=OuterRef("market")).order_by(
        "-recorded_on", "-id"
    )
    prices = MineralPrice.objects.filter(id=Subquery(newest.values("id")[:1]))
    if minerals is not None:
        prices = prices.filter(mineral__in=minerals)
    return list(prices.select_related("mineral").order_by("-recorded_on", "mineral__name", "market")[:MOST_LINES])


def minerals_named(text):
    """The ids of the minerals `text` names (several when it names a commodity word shared by two)."""
    wanted = fold(text)
    names = mineral_names()
    exact = {mineral_id for name, mineral_id in names if name == wanted}
    return exact or {mineral_id for name, mineral_id in names if is_spelling_of(wanted, name)}


def mineral_names():
    """(folded name, mineral id) for every name a mineral goes by."""
    names = []
    ids_by_key = {}
    for mineral in Mineral.objects.only("id", "key", "key_en"):
        ids_by_key[mineral.key] = mineral.id
        names += [(mineral.key, mineral.id), (mineral.key_en, mineral.id)]
        if mineral.key in SWAHILI_NAMES:
            names.append((fold(SWAHILI_NAMES[mineral.key]), mineral.id))
    for word, name in MINERAL_COMMODITY_ALIASES.items():
        if fold(name) in ids_by_key:
            names.append((word, ids_by_key[fold(name)]))
    return [(name, mineral_id) for name, mineral_id in names if name]


def price_line(price, language):
    mineral = price.mineral
    name = {
        "sw": SWAHILI_NAMES.get(mineral.key) or mineral.name_en or mineral.name,
        "en": (mineral.name_en or mineral.name).split(" (")[0],
    }.get(language, mineral.name)
    amount = format(price.price.normalize(), "f")
    return gsm7_spelling(f"{name} {price.market}: {amount} {price.currency}/{price.unit} {price.recorded_on:%d/%m/%y}")
