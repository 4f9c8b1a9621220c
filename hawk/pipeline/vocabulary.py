"""The words the prompt parser knows: currency codes, names and aliases, and entity names.

Built from the database (Currency code, name and aliases; Entity names) on top of built-in
words (every ISO 4217 code, common currency names, unambiguous countries and cities). Database
aliases take precedence over built-in words. Keys are lower-cased phrases normalised by
`phrase_key` (words joined by single spaces, punctuation dropped), so "Hong  Kong's" and
"hong kong" meet on the same key.
"""

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.cache import cache

from hawk.datacache.generations import current_generations
from hawk.models import Currency, Entity

logger = logging.getLogger(__name__)

# Active ISO 4217 codes (2025), funds and precious metals included; XTS (testing) and XXX
# (no currency) left out because they never name a real exposure.
ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD
    MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
    PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
    VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER
    ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 - a code table reads better as text than as 180 quoted strings
)

# Codes (and words) that are also ordinary English words or common abbreviations: "all",
# "try", "top", "won". They count as a currency only next to an amount ("5M TRY") or in
# upper case right after "in" ("exposure in TRY"); elsewhere they are just words.
AMBIGUOUS_WORDS = frozenset(
    """
    all bam bob cdf che cop cup cve gel irr kgs mad mop nad pen ron rub sos svc tmt top try
    won yer
    """.split()  # noqa: SIM905
)

# Words that name a currency only when written in upper case: "us" is a pronoun, "US" is not.
UPPER_CASE_ONLY_WORDS = frozenset({"us"})

# Common names, countries and cities whose currency is unambiguous. Deliberately absent:
# "dollar", "peso", "franc" alone (which one?), and "$" / "¥" (see SYMBOL_CURRENCIES).
BUILTIN_WORDS: Mapping[str, str] = {
    "us dollar": "USD", "united states": "USD", "us": "USD", "usa": "USD", "america": "USD",
    "american": "USD", "greenback": "USD", "new york": "USD",
    "euro": "EUR", "europe": "EUR", "eurozone": "EUR", "euro area": "EUR", "european": "EUR",
    "frankfurt": "EUR", "paris": "EUR",
    "pound": "GBP", "pound sterling": "GBP", "sterling": "GBP", "british pound": "GBP",
    "uk": "GBP", "united kingdom": "GBP", "britain": "GBP", "great britain": "GBP",
    "british": "GBP", "london": "GBP",
    "yen": "JPY", "japanese yen": "JPY", "japan": "JPY", "japanese": "JPY", "tokyo": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "chinese yuan": "CNY", "china": "CNY",
    "chinese": "CNY", "shanghai": "CNY", "beijing": "CNY",
    "hong kong dollar": "HKD", "hong kong": "HKD",
    "korean won": "KRW", "won": "KRW", "korea": "KRW", "south korea": "KRW", "korean": "KRW",
    "seoul": "KRW",
    "new taiwan dollar": "TWD", "taiwan dollar": "TWD", "taiwan": "TWD", "taiwanese": "TWD",
    "taipei": "TWD",
    "indian rupee": "INR", "rupee": "INR", "india": "INR", "indian": "INR", "mumbai": "INR",
    "indonesian rupiah": "IDR", "rupiah": "IDR", "indonesia": "IDR", "indonesian": "IDR",
    "jakarta": "IDR",
    "philippine peso": "PHP", "philippines": "PHP", "philippine": "PHP", "manila": "PHP",
    "vietnamese dong": "VND", "dong": "VND", "vietnam": "VND", "viet nam": "VND",
    "vietnamese": "VND", "hanoi": "VND", "ho chi minh city": "VND",
    "australian dollar": "AUD", "australia": "AUD", "australian": "AUD", "sydney": "AUD",
    "singapore dollar": "SGD", "singapore": "SGD",
    "swiss franc": "CHF", "switzerland": "CHF", "swiss": "CHF", "zurich": "CHF",
    "thai baht": "THB", "baht": "THB", "thailand": "THB", "bangkok": "THB",
    "malaysian ringgit": "MYR", "ringgit": "MYR", "malaysia": "MYR", "kuala lumpur": "MYR",
    "canadian dollar": "CAD", "canada": "CAD",
    "new zealand dollar": "NZD", "new zealand": "NZD",
}  # fmt: skip

# Phrases that contain a currency word but do not name a currency: "dollar offset" is a hedge
# effectiveness method, "US GAAP" an accounting framework. Matched before currency words.
NOT_CURRENCY_PHRASES: Mapping[str, str] = {
    "dollar offset": "method", "dollar offset method": "method", "us gaap": "framework",
    "usd pb": "deposit", "usd pb deposit": "deposit",
}  # fmt: skip

# Currency symbols. "$" and "¥" alone are not here on purpose: they are ambiguous (USD, SGD,
# HKD...; JPY or CNY), so "$500,000" is an amount without a currency, and the agent asks which
# of AMBIGUOUS_SYMBOLS' currencies is meant.
SYMBOL_CURRENCIES: Mapping[str, str] = {
    "US$": "USD", "HK$": "HKD", "S$": "SGD", "A$": "AUD", "NT$": "TWD", "C$": "CAD",
    "NZ$": "NZD", "JP¥": "JPY", "CN¥": "CNY", "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR",
    "₱": "PHP", "₫": "VND", "฿": "THB",
}  # fmt: skip

AMBIGUOUS_SYMBOLS: Mapping[str, tuple[str, ...]] = {
    "$": ("USD", "SGD", "HKD", "AUD", "TWD", "CAD", "NZD"),
    "¥": ("JPY", "CNY"),
}

# Words are runs of letters or of digits, so "USD25M" reads as "USD", "25", "M".
WORD = re.compile(r"[^\W\d_]+|\d+")
_TABLES = ("currency_configuration", "entity_master")
_CACHE_TIMEOUT = 24 * 3600


def phrase_key(text: str) -> str:
    """The lookup key of a phrase: its words, lower-cased, joined by single spaces."""
    return " ".join(word.lower() for word in WORD.findall(text))


@dataclass(frozen=True)
class Vocabulary:
    currency_words: Mapping[str, str]  # phrase_key -> ISO code
    entity_names: Mapping[str, str]  # phrase_key of the entity name -> entity_id
    known_currencies: frozenset[str]  # codes configured in the database

    @functools.cached_property
    def longest_currency_phrase(self) -> int:
        """The most words any currency phrase has: how far the matcher needs to look ahead."""
        return max((key.count(" ") + 1 for key in self.currency_words), default=1)

    @functools.cached_property
    def longest_entity_name(self) -> int:
        return max((key.count(" ") + 1 for key in self.entity_names), default=1)


CurrencyRow = tuple[str, str, object]  # code, name, aliases (a JSON list, or anything else)
EntityRow = tuple[str, str]  # entity_id, entity_name


def vocabulary_from_rows(
    currencies: Iterable[CurrencyRow], entities: Iterable[EntityRow]
) -> Vocabulary:
    """The vocabulary for these database rows, on top of the built-in words."""
    words = _builtin_currency_words()
    known = set()
    for code, name, aliases in currencies:
        known.add(code)
        spoken = [code, name, *(aliases if isinstance(aliases, list) else [])]
        for phrase in spoken:
            if isinstance(phrase, str) and phrase_key(phrase):
                words[phrase_key(phrase)] = code
    names = {phrase_key(name): entity_id for entity_id, name in entities if phrase_key(name)}
    return Vocabulary(currency_words=words, entity_names=names, known_currencies=frozenset(known))


def _builtin_currency_words() -> dict[str, str]:
    words = {code.lower(): code for code in ISO_4217_CODES}
    words.update(BUILTIN_WORDS)
    return words


@functools.cache
def builtin_vocabulary() -> Vocabulary:
    """ISO codes and built-in names only, no database: for tests and benchmarks."""
    return vocabulary_from_rows([], [])


# The process-local memo: (generations, vocabulary) of the last load. A warm call costs one
# generation lookup and a tuple comparison, no database query and no unpickling.
_latest: tuple[tuple[int, ...], Vocabulary] | None = None


VOCABULARY_TABLES = _TABLES


def load_vocabulary(generations: Mapping[str, int] | None = None) -> Vocabulary:
    """The vocabulary of the current currency and entity tables.

    Cached in the shared cache under the tables' generations, so an alias saved through the
    ORM is seen on the next call. If the cache is unreachable, read from the database.
    A caller that has just read the generations (of VOCABULARY_TABLES at least) passes them.
    """
    global _latest
    try:
        if generations is None:
            generations = current_generations(_TABLES)
    except Exception as exc:  # a cache outage must not stop prompts being understood
        logger.warning("vocabulary built without the cache: %s", exc)
        return vocabulary_from_rows(*_database_rows())
    key = tuple(generations[table] for table in _TABLES)
    latest = _latest
    if latest is not None and latest[0] == key:
        return latest[1]
    vocabulary = vocabulary_from_rows(*_cached_rows(key))
    _latest = (key, vocabulary)
    return vocabulary


def _cached_rows(key: tuple[int, ...]) -> tuple[list[CurrencyRow], list[EntityRow]]:
    # The raw rows are cached, not the built mappings, so a change to the built-in words in
    # a deploy takes effect without invalidating anything.
    cache_key = "vocabulary:v1:" + ":".join(str(part) for part in key)
    try:
        cached = cache.get(cache_key)
    except Exception as exc:
        logger.warning("vocabulary cache read failed: %s", exc)
        return _database_rows()
    if cached is not None:
        return cached
    rows = _database_rows()
    try:
        cache.set(cache_key, rows, timeout=_CACHE_TIMEOUT)
    except Exception as exc:
        logger.warning("vocabulary cache write failed: %s", exc)
    return rows


def _database_rows() -> tuple[list[CurrencyRow], list[EntityRow]]:
    currencies = list(Currency.objects.values_list("currency_code", "currency_name", "aliases"))
    entities = list(Entity.objects.values_list("entity_id", "entity_name"))
    return currencies, entities
