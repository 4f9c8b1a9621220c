"""Numbers as people read them on a page: thousands separators, no trailing zeros."""

from decimal import Decimal, InvalidOperation


def number_text(value: Decimal | int | float | str) -> str:
    """12000 -> "12,000"; "0.0000000" -> "0"; Decimal("1950000000.0000") -> "1,950,000,000";
    the value itself, exactly (no rounding), only its trailing zeros dropped."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == 0:
        return "0"
    return format(number.normalize(), ",f")
