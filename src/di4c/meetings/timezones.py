"""The time zone a meeting's host is in, from its country: di4c's organisations carry a country
but no time zone, and European partners almost always sit in their country's main zone. The
coordinator can still pick another zone on the meeting (the Canaries, the Azores, Madeira)."""

from zoneinfo import available_timezones

COUNTRY_TIME_ZONES = {
    "AT": "Europe/Vienna",
    "BA": "Europe/Sarajevo",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CH": "Europe/Zurich",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IS": "Atlantic/Reykjavik",
    "IT": "Europe/Rome",
    "LI": "Europe/Vaduz",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MD": "Europe/Chisinau",
    "ME": "Europe/Podgorica",
    "MK": "Europe/Skopje",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "RS": "Europe/Belgrade",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "UA": "Europe/Kyiv",
}
DEFAULT_TIME_ZONE = "Europe/Brussels"


def time_zone_of_country(country_code: str) -> str:
    return COUNTRY_TIME_ZONES.get(str(country_code or "").upper(), DEFAULT_TIME_ZONE)


def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name for name in available_timezones() if name.startswith(("Europe/", "Atlantic/"))
    )
    return [(name, name.replace("_", " ")) for name in names]
