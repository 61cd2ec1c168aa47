"""The keyword baseline: both states, a family word, the usual direction; it reads no sentence structure."""

from __future__ import annotations

from tests import baseline


def test_baseline_needs_both_states_and_a_family_word():
    assert baseline.claims("North Korea sent shells to Russia.") == {("PRK", "RUS", "munitions")}
    assert baseline.claims("North Korea tested a missile.") == set()


def test_baseline_takes_the_usual_direction_whatever_the_sentence_says():
    # A keyword search cannot tell a veto from a transfer: this is what the extraction must beat.
    assert baseline.claims("Russia vetoed the UN panel that tracks North Korean weapons.") == {
        ("PRK", "RUS", "munitions")}
    assert baseline.claims("Russia gave North Korea satellite technology.") == {("RUS", "PRK", "technology")}
