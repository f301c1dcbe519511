"""matching.evaluate_jobs: the sweep that chose JOB_FIT_THRESHOLD."""

import numpy as np

from matching.evaluate_jobs import DEFAULT_JOBS, best_threshold, load_sample_postings, sweep


def test_the_sweep_counts_shown_relevant_pairs_and_what_negatives_see():
    scores = np.array([[80.0, 30.0, 8.0], [40.0, 6.0, 2.0], [9.0, 7.0, 1.0]])
    relevant = np.array([[True, True, False], [True, False, False], [False, False, False]])
    negative = np.array([False, False, True])
    rows = {r["threshold"]: r for r in sweep(scores, relevant, negative, (5, 10, 35))}
    assert rows[5]["precision"] == 3 / 7 and rows[5]["recall"] == 1.0
    assert rows[5]["negative_shown_mean"] == 2 and rows[5]["negative_any_share"] == 1
    assert rows[10]["precision"] == 1.0 and rows[10]["negative_any_share"] == 0
    assert rows[35]["recall"] == 2 / 3
    assert best_threshold(list(rows.values())) == 10


def test_the_sample_jobs_are_read_as_postings():
    postings = load_sample_postings(DEFAULT_JOBS)
    assert len(postings) == 64 and len({p.id for p in postings}) == 64
    assert all(p.text and p.title for p in postings)
