"""The emphasis of analysis instructions: the sections they name come first, in their order."""

from hawk.analysis.builtin.emphasis import emphasised_order

STANDARD = ["check", "capacity", "pb_deposit", "booking_model"]


def test_sections_named_come_first_in_the_order_they_are_named():
    instructions = "List the booking model, then the PB deposit headroom."

    assert emphasised_order(STANDARD, instructions) == [
        "booking_model",
        "pb_deposit",
        "check",
        "capacity",
    ]


def test_without_a_cue_the_standard_order_stands():
    assert emphasised_order(STANDARD, "Keep commentary short.") == STANDARD
    assert emphasised_order(STANDARD, "") == STANDARD


def test_cues_are_read_whatever_their_case():
    assert emphasised_order(STANDARD, "HEADROOM first")[0] == "pb_deposit"
