"""Words as the search index keeps them: stemmed in the text's language (Snowball), then lower
case and without accents, so that "digitalizării", "Digitalizare" and "digitalizare" meet."""

import re
import unicodedata
from functools import cache
from pathlib import Path

import snowballstemmer
import yaml

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
STEMMERS = {
    "en": "english",
    "ro": "romanian",
    "it": "italian",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "el": "greek",
    "pt": "portuguese",
    # Snowball has no Latvian stemmer: Latvian words are indexed whole (prefix search helps).
}
SYNONYMS_FILE = Path(__file__).parent.parent / "data" / "search_synonyms.yaml"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _stemmer(language: str):
    algorithm = STEMMERS.get(language)
    return snowballstemmer.stemmer(algorithm) if algorithm else None


def words(text: str) -> list[str]:
    return [word for word in WORD.findall((text or "").casefold()) if word != "_"]


def stem(word: str, language: str) -> str:
    stemmer = _stemmer(language)
    stemmed = stemmer.stemWord(word) if stemmer else word
    return strip_accents(stemmed)


def index_terms(text: str, language: str) -> str:
    """The text as the index stores it: stems separated by spaces."""
    return " ".join(stem(word, language) for word in words(text))


@cache
def _synonym_groups() -> dict[str, frozenset[str]]:
    """{normalised word: every word of its group}: the same idea across languages and
    spellings (digitalisation, digitalization, digitalizare, digitalizzazione, …)."""
    groups = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or []
    lookup: dict[str, frozenset[str]] = {}
    for group in groups:
        members = frozenset(strip_accents(word.casefold()) for word in group)
        for member in members:
            lookup[member] = lookup.get(member, frozenset()) | members
    return lookup


def query_alternatives(query: str, languages: list[str]) -> list[set[str]]:
    """One set of alternative stems per word typed: the word stemmed in each language asked
    for, plus its synonyms' stems. The engines match every word (AND), any alternative (OR),
    by prefix."""
    alternatives = []
    for word in words(query)[:MAX_QUERY_WORDS]:
        plain = strip_accents(word)
        variants = {plain}
        for synonym in _synonym_groups().get(plain, ()):
            variants.add(synonym)
        stems = set()
        for variant in variants:
            stems.add(variant)
            for language in languages:
                stems.add(stem(variant, language))
        # Stemmers do not cut every inflection alike (Romanian "digitalizării" -> "digitalizar",
        # "digitalizare" -> "digitaliz"): a slightly shorter prefix of a long stem meets both.
        stems |= {s[: max(5, len(s) - 2)] for s in stems if len(s) >= 7}
        # Stems of one or two letters would match half the index.
        alternatives.append({s for s in stems if len(s) >= 2} or {plain})
    return alternatives
