"""bench/instructions.py: the instructions per run are the slope of the counts, start-up in the
intercept, read from valgrind's own summary line."""

from bench.instructions import REFS, slope


def test_the_start_up_falls_into_the_intercept():
    start_up, per_run = 4_000_000_000, 23_500_000
    points = [(runs, start_up + per_run * runs) for runs in (30, 120, 210)]
    assert slope(points) == per_run


def test_valgrinds_summary_line_is_read():
    found = REFS.search("==22584== \n==22584== I   refs:      6,712,526,396\n")
    assert found is not None and int(found.group(1).replace(",", "")) == 6_712_526_396
