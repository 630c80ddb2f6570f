"""English names for the French mineral labels of the open data (for filters and the dashboard)."""

MINERAL_ENGLISH_NAMES = {
    "Or": "Gold",
    "Cassitérite": "Cassiterite (tin)",
    "Coltan": "Coltan (tantalum)",
    "Wolframite": "Wolframite (tungsten)",
    "Cuivre": "Copper",
    "Diamant": "Diamond",
    "Cobalt": "Cobalt",
    "Tourmaline": "Tourmaline",
    "Manganèse": "Manganese",
    "Monazite": "Monazite",
    "Améthyste": "Amethyst",
    "Saphir": "Sapphire",
    "Pyrochlore": "Pyrochlore",
    "Fer": "Iron",
    "Bauxite": "Bauxite",
    "Argent": "Silver",
    "Plomb": "Lead",
    "Titanium": "Titanium",
    "Galene": "Galena",
    "Charbon": "Coal",
    "Zircon": "Zircon",
    "Quartz": "Quartz",
    "Niobium": "Niobium",
    "Arsénopyrite": "Arsenopyrite",
    "Digénite": "Digenite",
    "inconnu": "Unknown",
}

# Commodity words buyers use, mapped to the mineral the data names.
MINERAL_COMMODITY_ALIASES = {
    "gold": "Or",
    "tin": "Cassitérite",
    "tantalum": "Coltan",
    "tungsten": "Wolframite",
    "copper": "Cuivre",
    "diamond": "Diamant",
    "diamonds": "Diamant",
}
