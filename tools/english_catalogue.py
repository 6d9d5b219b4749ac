"""Fill the English catalogue after `makemessages`: English is the source language, so each
untranslated entry's translation is its own text. Run: python tools/english_catalogue.py"""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).parent.parent / "src/di4c/locale/en/LC_MESSAGES/django.po"


def main() -> None:
    po = polib.pofile(str(CATALOGUE))
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        elif entry.translated():
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        filled += 1
    po.save()
    print(f"{filled} English entries filled in {CATALOGUE}")


if __name__ == "__main__":
    main()
