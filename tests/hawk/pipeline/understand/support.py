"""Helpers of the understanding tests: a vocabulary made from the demo data's currencies and
entities (pure, no database)."""

from hawk.pipeline.vocabulary import vocabulary_from_rows

# Mirrors the demo currencies: code, name, aliases (as the currency_configuration rows).
DEMO_CURRENCIES = [
    ("AUD", "Australian Dollar", ["Aussie", "Australia", "Sydney"]),
    ("CNY", "Chinese Yuan", ["yuan", "renminbi", "RMB", "China", "Shanghai"]),
    ("HKD", "Hong Kong Dollar", ["Hong Kong dollar", "Hong Kong", "HK"]),
    ("IDR", "Indonesian Rupiah", ["rupiah", "Indonesia", "Jakarta"]),
    ("INR", "Indian Rupee", ["rupee", "India", "Mumbai"]),
    ("JPY", "Japanese Yen", ["yen", "Japan", "Tokyo"]),
    ("KRW", "South Korean Won", ["won", "Korean won", "Korea", "Seoul"]),
    ("PHP", "Philippine Peso", ["peso", "Philippines", "Manila"]),
    ("TWD", "New Taiwan Dollar", ["Taiwan dollar", "NT dollar", "Taiwan", "Taipei"]),
    ("USD", "US Dollar", ["US dollar", "dollar", "greenback", "United States"]),
    ("VND", "Vietnamese Dong", ["dong", "Vietnam", "Hanoi"]),
]
DEMO_ENTITIES = [
    ("ENTITY0001", "Singapore Treasury Centre"),
    ("ENTITY0005", "Shanghai Branch"),
    ("ENTITY0020", "Tokyo Subsidiary KK"),
]
VOCABULARY = vocabulary_from_rows(DEMO_CURRENCIES, DEMO_ENTITIES)
