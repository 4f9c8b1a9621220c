"""What a template's analysis instructions ask the built-in report to put first.

The built-in analyst cannot follow free text as a language model would; it can honour the
order of emphasis. A section the instructions mention comes before those they do not, in
the order the instructions mention them ("Show the headroom ... then the thresholds" puts
the PB deposit first). Without instructions, or without a cue, the standard order stands.
"""

from collections.abc import Sequence

# Words that name a facts section in instructions, lower case.
SECTION_CUES: dict[str, tuple[str, ...]] = {
    "check": ("decision", "utilisation check", "pass, partial"),
    "capacity": ("capacity", "available", "waterfall", "hedgeable", "sfx"),
    "pb_deposit": ("pb deposit", "headroom"),
    "thresholds": ("threshold", "breach", "headroom"),
    "booking_model": ("booking model",),
    "effectiveness": ("effectiveness", "tests"),
    "rollover": ("maturing", "maturity", "rollover"),
    "termination": ("closing order", "terminat"),
    "amendment": ("notional", "amend"),
    "inquiry": ("instruction status", "by status", "failure reason"),
}


def first_mention(instructions: str, key: str) -> int | None:
    """Where the instructions first name the section, or None when they do not."""
    positions = [instructions.find(cue) for cue in SECTION_CUES.get(key, ())]
    found = [position for position in positions if position >= 0]
    return min(found) if found else None


def emphasised_order(keys: Sequence[str], instructions: str) -> list[str]:
    """`keys` (in the standard order) with those the instructions mention first."""
    lowered = instructions.lower()
    mentioned = {
        key: position for key in keys if (position := first_mention(lowered, key)) is not None
    }
    leading = sorted(mentioned, key=lambda key: (mentioned[key], keys.index(key)))
    return [*leading, *(key for key in keys if key not in mentioned)]
