"""Write the French catalogue's plural entries: the messages are written in French, but without a French
catalogue gettext would use English's rule and write "0 actions"; French says "0 action" (plural from 2).

Run after `manage.py makemessages -l fr -l en --no-wrap`: `.venv/bin/python locale/fr_plurals.py`, then
`make messages`. Only the plural entries are kept: the others are their own msgid.
"""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent / "fr/LC_MESSAGES/django.po"

catalogue = polib.pofile(str(CATALOGUE), wrapwidth=100000)
catalogue.metadata.update(
    {
        "Language": "fr",
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
)
catalogue.metadata_is_fuzzy = False
catalogue.header = "Plural forms of the French messages (see locale/fr_plurals.py)."
for entry in list(catalogue):
    if not entry.msgid_plural or entry.obsolete:
        catalogue.remove(entry)
        continue
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = None
    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
catalogue.save()
print(f"{len(catalogue)} plural entries in {CATALOGUE}")
