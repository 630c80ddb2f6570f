"""The Kufatilia questionnaire as data: its steps, every text a reporter reads in Swahili, French
and English, and the readers that turn an answer into values.

A step names the reader of its answer (`reads`), the menu it numbers (`menu`) and the condition
under which it is asked (`ask_if`); sms.conversation walks the steps in order and knows none of them
by name. Texts keep to GSM-7 where they can (no ê, ç, â …: one such character makes the whole SMS
UCS-2, at 70 characters instead of 160) and never quote what the reporter wrote.

A reader returns the values an answer gives, kept in session.answers under the step's name (and
`<name>_text` for the answer as written); incidents.services reads them:
language, category (an IncidentCategory id), occurred_on (ISO date or None), location (a
sms.locations match or None), location_confirmed, description, people_affected (None: skipped),
consent_to_contact.
"""

import datetime
import re
from dataclasses import dataclass

from madini.geo.names import fold
from madini.incidents.queries import sms_menu_categories
from madini.sms import locations
from madini.sms.text import clean, gsm7_spelling, shorten

LANGUAGES = ("sw", "fr", "en")
# Long enough for a real answer, short enough that a pasted essay does not fill the column.
DATE_TEXT_LENGTH = 200
PLACE_TEXT_LENGTH = 300
PLACE_NAME_LENGTH = 32
PLACE_WITHIN_LENGTH = 20
MOST_PEOPLE = 1_000_000


def in_every_language(text):
    return dict.fromkeys(LANGUAGES, text)


@dataclass(frozen=True)
class Step:
    name: str
    reads: str
    ask: dict
    retry: dict
    menu: str | None = None
    ask_if: str | None = None


STEPS = (
    Step(
        name="language",
        reads="choice",
        menu="languages",
        ask_if="language_unknown",
        ask=in_every_language("Kufatilia. Lugha/Langue/Language:\n{menu}"),
        retry=in_every_language("Jibu/Répondez/Reply 1, 2, 3:\n{menu}"),
    ),
    Step(
        name="category",
        reads="choice",
        menu="categories",
        ask={
            "sw": "Ni tukio la aina gani? Jibu kwa namba:\n{menu}",
            "fr": "Type d'incident? Répondez par un numéro:\n{menu}",
            "en": "What kind of incident? Reply with a number:\n{menu}",
        },
        retry={
            "sw": "Jibu kwa namba kati ya 1 na {last}:\n{menu}",
            "fr": "Répondez par un numéro de 1 à {last}:\n{menu}",
            "en": "Please reply with a number from 1 to {last}:\n{menu}",
        },
    ),
    Step(
        name="occurred_on",
        reads="date",
        ask={
            "sw": "Tukio lilitokea lini? Jibu: leo, jana, au tarehe (mfano 12/3/2024).",
            "fr": "Quand cela s'est-il passé? Répondez: aujourd'hui, hier ou une date (ex. 12/3/2024).",
            "en": "When did it happen? Reply: today, yesterday or a date (e.g. 12/3/2024).",
        },
        retry={
            "sw": "Tarehe haijaeleweka au ni ya baadaye. Jibu: leo, jana, au tarehe kama 12/3/2024.",
            "fr": "Date non comprise ou future. Répondez: aujourd'hui, hier ou une date comme 12/3/2024.",
            "en": "Date not understood or in the future. Reply: today, yesterday or a date like 12/3/2024.",
        },
    ),
    Step(
        name="location",
        reads="place",
        ask={
            "sw": "Lilitokea wapi? Andika jina la mgodi, kijiji au eneo.",
            "fr": "Où cela s'est-il passé? Écrivez le nom du site minier, du village ou du territoire.",
            "en": "Where did it happen? Write the name of the mine site, village or territory.",
        },
        retry={
            "sw": "Tafadhali andika jina la mahali: mgodi, kijiji au eneo.",
            "fr": "Écrivez le nom d'un lieu: site minier, village ou territoire.",
            "en": "Please write the name of a place: mine site, village or territory.",
        },
    ),
    Step(
        name="location_confirmed",
        reads="yes_no",
        ask_if="location_found",
        ask={
            "sw": "Je, ni {place}? Jibu 1 Ndiyo au 2 Hapana.",
            "fr": "Est-ce {place}? Répondez 1 Oui ou 2 Non.",
            "en": "Is it {place}? Reply 1 Yes or 2 No.",
        },
        retry={
            "sw": "Jibu 1 (Ndiyo) au 2 (Hapana): je, ni {place}?",
            "fr": "Répondez 1 (Oui) ou 2 (Non): est-ce {place}?",
            "en": "Reply 1 (Yes) or 2 (No): is it {place}?",
        },
    ),
    Step(
        name="description",
        reads="text",
        ask={
            "sw": "Nini kilitokea? Eleza kwa ufupi.",
            "fr": "Que s'est-il passé? Décrivez en quelques mots.",
            "en": "What happened? Describe it in a few words.",
        },
        retry={
            "sw": "Tafadhali eleza kwa maneno machache kilichotokea.",
            "fr": "Décrivez en quelques mots ce qui s'est passé.",
            "en": "Please describe in a few words what happened.",
        },
    ),
    Step(
        name="people_affected",
        reads="count",
        ask={
            "sw": "Watu wangapi wameathirika? Jibu kwa namba, au 0 kuruka swali.",
            "fr": "Combien de personnes sont touchées? Répondez par un nombre, ou 0 pour passer.",
            "en": "How many people were affected? Reply with a number, or 0 to skip.",
        },
        retry={
            "sw": "Tafadhali jibu kwa namba (mfano 3), au 0 kuruka swali.",
            "fr": "Répondez par un nombre (ex. 3), ou 0 pour passer.",
            "en": "Please reply with a number (e.g. 3), or 0 to skip.",
        },
    ),
    Step(
        name="consent_to_contact",
        reads="yes_no",
        ask={
            "sw": "Je, tunaweza kuwasiliana nawe tena kuhusu tukio hili? Jibu 1 Ndiyo au 2 Hapana.",
            "fr": "Pouvons-nous vous recontacter au sujet de cet incident? Répondez 1 Oui ou 2 Non.",
            "en": "May we contact you again about this incident? Reply 1 Yes or 2 No.",
        },
        retry={
            "sw": "Jibu 1 (Ndiyo) au 2 (Hapana): tunaweza kuwasiliana nawe tena?",
            "fr": "Répondez 1 (Oui) ou 2 (Non): pouvons-nous vous recontacter?",
            "en": "Reply 1 (Yes) or 2 (No): may we contact you again?",
        },
    ),
)

MESSAGES = {
    "done": {
        "sw": "Asante! Ripoti yako imepokelewa. Namba ya kumbukumbu: {reference}. Namba yako ya simu "
        "haionyeshwi kwa mtu yeyote. Tuma ujumbe wakati wowote kuongeza taarifa.",
        "fr": "Merci! Signalement enregistré sous la référence {reference}. Votre numéro n'est montré à "
        "personne. Écrivez-nous pour ajouter des informations.",
        "en": "Thank you! Your report is registered as {reference}. Your number is never shown to anyone. "
        "Text us any time to add information.",
    },
    "cancelled": {
        "sw": "Ripoti imesitishwa. Tuma KUFATILIA kuanza upya.",
        "fr": "Signalement annulé. Envoyez KUFATILIA pour recommencer.",
        "en": "Report cancelled. Send KUFATILIA to start again.",
    },
    "nothing_to_cancel": {
        "sw": "Hakuna ripoti inayoendelea. Tuma KUFATILIA kuripoti tukio.",
        "fr": "Aucun signalement en cours. Envoyez KUFATILIA pour signaler un incident.",
        "en": "No report in progress. Send KUFATILIA to report an incident.",
    },
    "gave_up": {
        "sw": "Samahani, majibu hayakueleweka. Ripoti imesitishwa. Tuma KUFATILIA kuanza upya.",
        "fr": "Désolé, nous n'avons pas compris vos réponses. Signalement annulé. Envoyez KUFATILIA pour recommencer.",
        "en": "Sorry, we could not understand your answers. Report cancelled. Send KUFATILIA to start again.",
    },
    "expired": {
        "sw": "Muda wa ripoti yako umekwisha. Tuma KUFATILIA kuanza upya.",
        "fr": "Le délai de votre signalement est écoulé. Envoyez KUFATILIA pour recommencer.",
        "en": "Your report timed out. Send KUFATILIA to start again.",
    },
    "help": {
        "sw": "Kufatilia: tuma KUFATILIA kuripoti tukio la mgodini, bila kujulikana. Tuma MATOKEO "
        "kupata bei za madini.",
        "fr": "Kufatilia: envoyez KUFATILIA pour signaler un incident minier, anonymement. Envoyez "
        "MATOKEO pour les prix des minerais.",
        "en": "Kufatilia: send KUFATILIA to report a mining incident, anonymously. Send MATOKEO for "
        "mineral prices.",
    },
    "help_in_session": {
        "sw": "ACHA kusitisha, KUFATILIA kuanza upya.\n{question}",
        "fr": "ANNULER pour abandonner, KUFATILIA pour recommencer.\n{question}",
        "en": "STOP to cancel, KUFATILIA to start again.\n{question}",
    },
    "attached": {
        "sw": "Asante. Ujumbe wako umeongezwa kwenye ripoti {reference}.",
        "fr": "Merci. Votre message est ajouté au signalement {reference}.",
        "en": "Thank you. Your message was added to report {reference}.",
    },
    "limit_reached": {
        "sw": "Samahani, umefikia kikomo cha ripoti {limit} kwa siku. Tafadhali jaribu tena kesho.",
        "fr": "Désolé, vous avez atteint la limite de {limit} signalements par jour. Réessayez demain.",
        "en": "Sorry, you have reached the limit of {limit} reports a day. Please try again tomorrow.",
    },
    "prices": {
        "sw": "Bei za madini:",
        "fr": "Prix des minerais:",
        "en": "Mineral prices:",
    },
    "no_prices": {
        "sw": "Hakuna bei iliyorekodiwa bado.",
        "fr": "Aucun prix enregistré pour le moment.",
        "en": "No price has been recorded yet.",
    },
    "no_price_for_mineral": {
        "sw": "Hakuna bei ya madini hayo. Tuma MATOKEO peke yake kupata bei zote.",
        "fr": "Pas de prix pour ce minerai. Envoyez MATOKEO seul pour tous les prix.",
        "en": "No price for that mineral. Send MATOKEO alone for all prices.",
    },
}

# How a matched place is named in the "is it …?" question, by its precision.
PLACE_LABELS = {
    "site": {"sw": "mgodi wa {name}", "fr": "le site de {name}", "en": "the {name} mine site"},
    "place": in_every_language("{name}"),
    "territory": {"sw": "eneo la {name}", "fr": "le territoire de {name}", "en": "{name} territory"},
    "province": {"sw": "mkoa wa {name}", "fr": "la province {name}", "en": "{name} province"},
}


def message(name, language, **fillers):
    return MESSAGES[name][language].format(**fillers)


def place_label(match, language):
    label = PLACE_LABELS[match["precision"]][language].format(name=shorten(match["name"], PLACE_NAME_LENGTH))
    if match.get("within"):
        label += f" ({shorten(match['within'], PLACE_WITHIN_LENGTH)})"
    return gsm7_spelling(label)


# Walking the steps.

CONDITIONS = {
    "language_unknown": lambda answers: not answers.get("language"),
    "location_found": lambda answers: bool(answers.get("location")),
}


def step_named(name):
    return next(step for step in STEPS if step.name == name)


def next_step(answers, after=None):
    """The first step after `after` (from the start without it) that is to be asked, or None: done."""
    position = 0 if after is None else STEPS.index(step_named(after)) + 1
    for step in STEPS[position:]:
        if step.ask_if is None or CONDITIONS[step.ask_if](answers):
            return step
    return None


# Menus: numbered options, also chosen by name ("english", "ajali").


@dataclass(frozen=True)
class Option:
    value: object
    label: str
    names: tuple = ()


def language_options(language):
    return [
        Option("sw", "Kiswahili", ("kiswahili", "swahili", "sw")),
        Option("fr", "Français", ("francais", "french", "kifaransa", "fr")),
        Option("en", "English", ("english", "anglais", "kiingereza", "en")),
    ]


def category_options(language):
    return [
        Option(
            category.id,
            gsm7_spelling(category.sms_label(language)),
            tuple({fold(label) for other in LANGUAGES for label in (category.sms_label(other), category.label(other))}),
        )
        for category in sms_menu_categories()
    ]


MENUS = {"languages": language_options, "categories": category_options}


def menu_text(options):
    return "\n".join(f"{number} {option.label}" for number, option in enumerate(options, start=1))


def prompt(step, language, answers, options=(), retry=False):
    """The text asking `step` (again, with what is expected, when `retry`)."""
    texts = step.retry if retry else step.ask
    fillers = {"menu": menu_text(options), "last": len(options)}
    if answers.get("location"):
        fillers["place"] = place_label(answers["location"], language)
    return texts[language].format(**fillers)


# Readers: each turns an answer into values, or raises Invalid.


class Invalid(ValueError):
    """The answer cannot be read: the step is asked again."""


@dataclass(frozen=True)
class Context:
    language: str
    today: datetime.date
    # The values of the menu options in the order the reporter was shown them.
    shown: tuple = ()


def read(step, text, context):
    return READERS[step.reads](step, text, context)


def read_choice(step, text, context):
    words = fold(text).split()
    if words and words[0].isdigit():
        if len(words[0]) <= 3 and 1 <= int(words[0]) <= len(context.shown):
            return {step.name: context.shown[int(words[0]) - 1]}
        raise Invalid
    folded = " ".join(words)
    for option in MENUS[step.menu](context.language):
        if folded and folded in option.names and option.value in context.shown:
            return {step.name: option.value}
    raise Invalid


YES = {"1", "ndiyo", "ndio", "ndyo", "sawa", "ee", "yes", "y", "ok", "oui", "o"}
NO = {"2", "hapana", "apana", "la", "no", "n", "non"}


def read_yes_no(step, text, context):
    words = fold(text).split()
    if words and words[0] in YES:
        return {step.name: True}
    if words and words[0] in NO:
        return {step.name: False}
    raise Invalid


def read_text(step, text, context):
    if not has_words(text):
        raise Invalid
    return {step.name: clean(text)}


def read_place(step, text, context):
    if not has_words(text):
        raise Invalid
    match = locations.best_match(text)
    return {step.name: match.as_answer() if match else None, f"{step.name}_text": clean(text)[:PLACE_TEXT_LENGTH]}


SKIP_WORDS = {"0", "ruka", "sijui", "skip", "unknown", "passer", "inconnu"}


def read_count(step, text, context):
    folded = fold(text)
    if folded in SKIP_WORDS:
        return {step.name: None}
    number = re.search(r"\d+", folded)
    if number is None or len(number.group()) > len(str(MOST_PEOPLE)) or int(number.group()) > MOST_PEOPLE:
        raise Invalid
    return {step.name: int(number.group()) or None}


def read_date(step, text, context):
    return {step.name: _date(text, context.today), f"{step.name}_text": clean(text)[:DATE_TEXT_LENGTH]}


def has_words(text):
    return sum(character.isalnum() for character in fold(text)) >= 2


READERS = {
    "choice": read_choice,
    "yes_no": read_yes_no,
    "text": read_text,
    "place": read_place,
    "count": read_count,
    "date": read_date,
}


# Dates as reporters write them: "leo", "jana", "hier", "aujourd'hui", "12/3/2024", "12.3.24",
# "2024-03-12", "12 mars", "12 machi 2024", "march 12", "3 days ago", "il y a 3 jours", "siku 3".

DAYS_BACK = {
    "avant hier": 2,
    "juzi": 2,
    "aujourd hui": 0,
    "aujourdhui": 0,
    "auj": 0,
    "leo": 0,
    "today": 0,
    "jana": 1,
    "yesterday": 1,
    "hier": 1,
}
DAYS_AGO = (
    re.compile(r"\b(\d{1,3}) days? ago\b"),
    re.compile(r"\bil y a (\d{1,3}) jours?\b"),
    re.compile(r"\bsiku (\d{1,3})\b"),
)
UNKNOWN_DATE = ("sijui", "sais pas", "don t know", "dont know", "unknown", "inconnu")
MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        "januari februari machi aprili mei juni julai agosti septemba oktoba novemba desemba",
    )
    for number, name in enumerate(names.split(), start=1)
}
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?(?!\d)", re.ASCII)
DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er)? (?:mwezi )?([a-z]{3,}|\d{1,2})(?: (\d{4}|\d{2}))?\b")
MONTH_DAY = re.compile(r"\b([a-z]{3,}) (\d{1,2})(?: (\d{4}))?\b")
EARLIEST_YEAR = 2000


def _date(text, today):
    """The date an answer names; None when the reporter says they do not know."""
    folded = f" {fold(text)} "
    for words in UNKNOWN_DATE:
        if f" {words} " in folded:
            return None
    for words, days in DAYS_BACK.items():
        if f" {words} " in folded:
            return (today - datetime.timedelta(days=days)).isoformat()
    for pattern in DAYS_AGO:
        found = pattern.search(folded)
        if found:
            return (today - datetime.timedelta(days=int(found.group(1)))).isoformat()
    for day, month, year in _date_parts(text, folded):
        found = _valid_date(day, month, year, today)
        if found:
            return found.isoformat()
    raise Invalid


def _date_parts(text, folded):
    """Candidate (day, month, year-or-None) triples, most explicit first."""
    for found in NUMERIC_DATE.finditer(text):
        first, second, third = found.groups()
        if len(first) == 4:
            if third:
                yield int(third), int(second), int(first)
            continue
        yield int(first), int(second), int(third) if third else None
        yield int(second), int(first), int(third) if third else None  # month first, as in "3/15/2024"
    for found in DAY_MONTH.finditer(folded):
        day, month, year = found.groups()
        month = int(month) if month.isdigit() else _month(month)
        if month:
            yield int(day), month, int(year) if year else None
    for found in MONTH_DAY.finditer(folded):
        month, day, year = found.groups()
        if _month(month):
            yield int(day), _month(month), int(year) if year else None


def _month(word):
    """The month a name or an unambiguous abbreviation of it names ("mars", "sept", "des"), or None."""
    if word in MONTHS:
        return MONTHS[word]
    numbers = {number for name, number in MONTHS.items() if name.startswith(word)}
    return numbers.pop() if len(numbers) == 1 else None


def _valid_date(day, month, year, today):
    if year is not None and year < 100:
        year += 2000
    try:
        found = datetime.date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found > today:
        try:
            found = found.replace(year=today.year - 1)
        except ValueError:
            return None
    if found > today or found.year < EARLIEST_YEAR:
        return None
    return found
