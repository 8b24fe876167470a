"""Official codes and the places that roll territories up, for France and Belgium.

France: a commune has its INSEE code (five characters, 2A/2B for Corsica), an intercommunality (EPCI) its SIREN
number, a département its code; plans roll up by département. Belgium: a commune has its NIS code (five digits,
the first two naming its administrative arrondissement), a police zone its four-digit zone number, a province its
NIS code; plans roll up by province, then by arrondissement. The arrondissements are those in force since 2019
(Mouscron joined Tournai, La Louvière was created).
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from plans.enums import Country, TerritoryKind

# The kinds of territory each country has.
COUNTRY_KINDS = {
    Country.FRANCE: (TerritoryKind.COMMUNE, TerritoryKind.INTERCOMMUNALITY, TerritoryKind.DEPARTMENT),
    Country.BELGIUM: (TerritoryKind.COMMUNE, TerritoryKind.POLICE_ZONE, TerritoryKind.PROVINCE),
}

# Belgian provinces by NIS code, Brussels-Capital (a region with no province) in their place for the roll-ups.
BELGIAN_PROVINCES = {
    "10000": "Anvers",
    "20001": "Brabant flamand",
    "20002": "Brabant wallon",
    "04000": "Région de Bruxelles-Capitale",
    "30000": "Flandre occidentale",
    "40000": "Flandre orientale",
    "50000": "Hainaut",
    "60000": "Liège",
    "70000": "Limbourg",
    "80000": "Luxembourg",
    "90000": "Namur",
}

# Belgian administrative arrondissements: the first two digits of a commune's NIS code → (name, province).
BELGIAN_ARRONDISSEMENTS = {
    "11": ("Anvers", "Anvers"),
    "12": ("Malines", "Anvers"),
    "13": ("Turnhout", "Anvers"),
    "21": ("Bruxelles-Capitale", "Région de Bruxelles-Capitale"),
    "23": ("Hal-Vilvorde", "Brabant flamand"),
    "24": ("Louvain", "Brabant flamand"),
    "25": ("Nivelles", "Brabant wallon"),
    "31": ("Bruges", "Flandre occidentale"),
    "32": ("Dixmude", "Flandre occidentale"),
    "33": ("Ypres", "Flandre occidentale"),
    "34": ("Courtrai", "Flandre occidentale"),
    "35": ("Ostende", "Flandre occidentale"),
    "36": ("Roulers", "Flandre occidentale"),
    "37": ("Tielt", "Flandre occidentale"),
    "38": ("Furnes", "Flandre occidentale"),
    "41": ("Alost", "Flandre orientale"),
    "42": ("Termonde", "Flandre orientale"),
    "43": ("Eeklo", "Flandre orientale"),
    "44": ("Gand", "Flandre orientale"),
    "45": ("Audenarde", "Flandre orientale"),
    "46": ("Saint-Nicolas", "Flandre orientale"),
    "51": ("Ath", "Hainaut"),
    "52": ("Charleroi", "Hainaut"),
    "53": ("Mons", "Hainaut"),
    "55": ("Soignies", "Hainaut"),
    "56": ("Thuin", "Hainaut"),
    "57": ("Tournai-Mouscron", "Hainaut"),
    "58": ("La Louvière", "Hainaut"),
    "61": ("Huy", "Liège"),
    "62": ("Liège", "Liège"),
    "63": ("Verviers", "Liège"),
    "64": ("Waremme", "Liège"),
    "71": ("Hasselt", "Limbourg"),
    "72": ("Maaseik", "Limbourg"),
    "73": ("Tongres", "Limbourg"),
    "81": ("Arlon", "Luxembourg"),
    "82": ("Bastogne", "Luxembourg"),
    "83": ("Marche-en-Famenne", "Luxembourg"),
    "84": ("Neufchâteau", "Luxembourg"),
    "85": ("Virton", "Luxembourg"),
    "91": ("Dinant", "Namur"),
    "92": ("Namur", "Namur"),
    "93": ("Philippeville", "Namur"),
}

CODE_PATTERNS = {
    (Country.FRANCE, TerritoryKind.COMMUNE): re.compile(r"(\d{5}|2[AB]\d{3})"),
    (Country.FRANCE, TerritoryKind.INTERCOMMUNALITY): re.compile(r"\d{9}"),
    (Country.FRANCE, TerritoryKind.DEPARTMENT): re.compile(r"(\d{2}|2[AB]|97[1-6])"),
    (Country.BELGIUM, TerritoryKind.COMMUNE): re.compile(r"\d{5}"),
    (Country.BELGIUM, TerritoryKind.POLICE_ZONE): re.compile(r"\d{4}"),
    (Country.BELGIUM, TerritoryKind.PROVINCE): re.compile(r"\d{5}"),
}


def code_help(country: str, kind: str) -> str:
    """What the official code of this kind of territory is, in words."""
    return {
        (Country.FRANCE, TerritoryKind.COMMUNE): _("le code INSEE de la commune, cinq caractères (59360, 2A004)"),
        (Country.FRANCE, TerritoryKind.INTERCOMMUNALITY): _("le numéro SIREN de l'EPCI, neuf chiffres"),
        (Country.FRANCE, TerritoryKind.DEPARTMENT): _("le code du département (59, 2A, 974)"),
        (Country.BELGIUM, TerritoryKind.COMMUNE): _("le code NIS de la commune, cinq chiffres (62063)"),
        (Country.BELGIUM, TerritoryKind.POLICE_ZONE): _("le numéro de la zone de police, quatre chiffres (5277)"),
        (Country.BELGIUM, TerritoryKind.PROVINCE): _("le code NIS de la province (60000 pour Liège)"),
    }.get((country, kind), "")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


PROVINCES_BY_KEY = {_key(name): name for name in BELGIAN_PROVINCES.values()} | {
    _key(f"province de {name}"): name for name in BELGIAN_PROVINCES.values()
}
ARRONDISSEMENTS_BY_KEY = {_key(name): (name, province) for name, province in BELGIAN_ARRONDISSEMENTS.values()}


def territory_check(*, country: str, kind: str, official_code: str, department: str = "", arrondissement: str = ""):
    """Check a territory's kind and code against its country, and place a Belgian one in its province and
    arrondissement. Returns (errors by model field, the department or province, the arrondissement), both
    completed from a Belgian commune's NIS code and spelt as the official lists spell them."""
    errors = {}
    code = (official_code or "").strip().upper()
    department, arrondissement = (department or "").strip(), (arrondissement or "").strip()
    if country not in COUNTRY_KINDS:
        return errors, department, arrondissement
    if kind not in COUNTRY_KINDS[country]:
        names = ", ".join(str(TerritoryKind(k).label).lower() for k in COUNTRY_KINDS[country])
        errors["kind"] = _("En %(country)s, un territoire est : %(kinds)s.") % {
            "country": Country(country).label,
            "kinds": names,
        }
        return errors, department, arrondissement
    province = country == Country.BELGIUM and kind == TerritoryKind.PROVINCE
    if not CODE_PATTERNS[(country, kind)].fullmatch(code) or (province and code not in BELGIAN_PROVINCES):
        errors["official_code"] = _("Code non reconnu : attendu %(what)s.") % {"what": code_help(country, kind)}
        return errors, department, arrondissement
    if country == Country.BELGIUM:
        if kind == TerritoryKind.COMMUNE:
            place = BELGIAN_ARRONDISSEMENTS.get(code[:2])
            if place is None:
                errors["official_code"] = _(
                    "Aucun arrondissement belge ne commence par %(prefix)s : vérifiez ce code NIS."
                ) % {"prefix": code[:2]}
                return errors, department, arrondissement
            arrondissement_name, province = place
            if department and PROVINCES_BY_KEY.get(_key(department)) not in {province, None}:
                errors["department"] = _("Le code NIS %(code)s est celui d'une commune de la province %(p)s.") % {
                    "code": code,
                    "p": province,
                }
            return errors, province, arrondissement_name
        if province:
            return errors, BELGIAN_PROVINCES[code], ""
        # A police zone: its province (and arrondissement, if given) from the official lists.
        if department:
            province = PROVINCES_BY_KEY.get(_key(department))
            if province is None:
                errors["department"] = _("Province inconnue : %(names)s.") % {
                    "names": ", ".join(BELGIAN_PROVINCES.values())
                }
                return errors, department, arrondissement
            department = province
        if arrondissement:
            found = ARRONDISSEMENTS_BY_KEY.get(_key(arrondissement))
            if found is None:
                errors["arrondissement"] = _("Arrondissement administratif inconnu.")
            elif department and found[1] != department:
                errors["arrondissement"] = _("L'arrondissement de %(a)s est dans la province %(p)s.") % {
                    "a": found[0],
                    "p": found[1],
                }
            else:
                arrondissement, department = found[0], department or found[1]
    return errors, department, arrondissement
