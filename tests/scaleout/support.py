"""The rows the scale-out tests seed and expect. A support module, not a test module."""

SEEDED = [["NAV1", "100.00"], ["NAV2", "200.00"]]


def rows(amount: int) -> list[list[str]]:
    return [["NAV1", f"{amount}.00"], ["NAV2", "200.00"]]
