"""The incident categories Kufatilia starts with, in English, French and Swahili.

Aligned with Annex II of the OECD Due Diligence Guidance: serious abuses (worst forms of child
labour, forced labour, sexual violence, killings: paragraph 1), support to non-state armed groups
and illegal taxation or extortion at access points and along routes (paragraphs 3-4), public or
private security forces (paragraph 5), bribery and fraudulent misrepresentation of origin
(paragraph 7) and taxes, fees and royalties (paragraph 12). Accidents, environmental harm, land
and labour disputes are the mining-community concerns Kufatilia adds to Annex II.

Top-level categories carry `menu_order` (their place in the SMS menu); subcategories have a parent
and are for the network's classification, not the SMS menu. SMS labels are short and keep to the
GSM-7 alphabet, so that the category menu fits in two SMS.
The network adjusts all of this in the admin; this migration only loads the starting set.
"""

from django.db import migrations

# code, (label en, fr, sw), (SMS label en, fr, sw), subcategories as (code, labels, SMS labels)
TAXONOMY = [
    (
        "accident",
        ("Accident", "Accident", "Ajali"),
        ("Accident", "Accident", "Ajali"),
        [
            ("accident-pit-collapse", ("Pit or tunnel collapse", "Effondrement de puits ou de galerie", "Kuporomoka kwa shimo au handaki"), ("Pit collapse", "Effondrement", "Shimo kuporomoka")),
            ("accident-injury", ("Injury at work", "Blessure au travail", "Kuumia kazini"), ("Injury", "Blessure", "Kuumia")),
            ("accident-explosives", ("Explosives", "Explosifs", "Milipuko"), ("Explosives", "Explosifs", "Milipuko")),
            ("accident-flooding", ("Flooding", "Inondation", "Mafuriko"), ("Flooding", "Inondation", "Mafuriko")),
        ],
    ),
    (
        "violence",
        ("Violence", "Violence", "Ukatili"),
        ("Violence", "Violence", "Ukatili"),
        [
            ("violence-physical", ("Physical violence", "Violence physique", "Ukatili wa kimwili"), ("Physical", "Physique", "Kimwili")),
            ("violence-sexual", ("Sexual violence", "Violences sexuelles", "Ukatili wa kingono"), ("Sexual", "Sexuelle", "Kingono")),
            ("violence-killing", ("Killing", "Meurtre", "Mauaji"), ("Killing", "Meurtre", "Mauaji")),
        ],
    ),
    (
        "child-labour",
        ("Child labour", "Travail des enfants", "Ajira kwa watoto"),
        ("Child labour", "Travail d'enfants", "Ajira ya watoto"),
        [],
    ),
    (
        "environment",
        ("Environmental harm", "Atteinte à l'environnement", "Uharibifu wa mazingira"),
        ("Environment", "Environnement", "Mazingira"),
        [
            ("environment-mercury", ("Mercury use or spill", "Utilisation ou rejet de mercure", "Matumizi au umwagikaji wa zebaki"), ("Mercury", "Mercure", "Zebaki")),
            ("environment-water-pollution", ("Water pollution", "Pollution de l'eau", "Uchafuzi wa maji"), ("Water pollution", "Pollution de l'eau", "Uchafuzi wa maji")),
            ("environment-deforestation", ("Deforestation", "Déforestation", "Ukataji wa misitu"), ("Deforestation", "Déforestation", "Ukataji misitu")),
        ],
    ),
    (
        "corruption",
        ("Corruption and illegal taxation", "Corruption et taxation illégale", "Rushwa na ushuru haramu"),
        ("Corruption/illegal tax", "Corruption/taxe illégale", "Rushwa/ushuru haramu"),
        [],
    ),
    (
        "roadblock",
        ("Roadblock or illegal checkpoint", "Barrière ou point de contrôle illégal", "Kizuizi au kituo haramu cha ukaguzi"),
        ("Roadblock", "Barrière illégale", "Kizuizi barabarani"),
        [],
    ),
    (
        "armed-interference",
        (
            "Interference by armed actors or security forces",
            "Ingérence d'acteurs armés ou des forces de sécurité",
            "Uingiliaji wa vikundi vyenye silaha au vyombo vya usalama",
        ),
        ("Armed groups/soldiers", "Groupes armés/militaires", "Wenye silaha/askari"),
        [],
    ),
    (
        "land-dispute",
        ("Land dispute", "Conflit foncier", "Mgogoro wa ardhi"),
        ("Land dispute", "Conflit foncier", "Mgogoro wa ardhi"),
        [],
    ),
    (
        "labour-rights",
        ("Labour rights", "Droits des travailleurs", "Haki za wafanyakazi"),
        ("Labour rights", "Droits du travail", "Haki za wafanyakazi"),
        [
            ("labour-rights-forced-labour", ("Forced labour", "Travail forcé", "Kazi ya kulazimishwa"), ("Forced labour", "Travail forcé", "Kazi ya lazima")),
        ],
    ),
    (
        "fraud-smuggling",
        ("Fraud and smuggling", "Fraude et contrebande", "Udanganyifu na magendo"),
        ("Fraud/smuggling", "Fraude/contrebande", "Udanganyifu/magendo"),
        [],
    ),
    ("other", ("Other", "Autre", "Nyingine"), ("Other", "Autre", "Nyingine"), []),
]


def label_fields(labels, sms_labels):
    return {
        **{f"label_{language}": label for language, label in zip(("en", "fr", "sw"), labels)},
        **{f"sms_label_{language}": label for language, label in zip(("en", "fr", "sw"), sms_labels)},
    }


def load_taxonomy(apps, schema_editor):
    IncidentCategory = apps.get_model("incidents", "IncidentCategory")
    for menu_order, (code, labels, sms_labels, subcategories) in enumerate(TAXONOMY, start=1):
        parent, _ = IncidentCategory.objects.update_or_create(
            code=code, defaults={"parent": None, "menu_order": menu_order, **label_fields(labels, sms_labels)}
        )
        for sub_code, sub_labels, sub_sms_labels in subcategories:
            IncidentCategory.objects.update_or_create(
                code=sub_code, defaults={"parent": parent, "menu_order": None, **label_fields(sub_labels, sub_sms_labels)}
            )


def unload_taxonomy(apps, schema_editor):
    IncidentCategory = apps.get_model("incidents", "IncidentCategory")
    codes = [code for code, *_ in TAXONOMY]
    IncidentCategory.objects.filter(parent__code__in=codes).delete()
    IncidentCategory.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]

    operations = [migrations.RunPython(load_taxonomy, unload_taxonomy)]
