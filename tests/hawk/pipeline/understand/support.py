"""Helpers of the understanding tests: the vocabulary the labelled sets were written with (the
demo data's currencies and three entities; pure, no database)."""

from hawk.evaluation.labelled import LABELLED_VOCABULARY

VOCABULARY = LABELLED_VOCABULARY
