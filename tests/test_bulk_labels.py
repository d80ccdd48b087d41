"""Agreement with hand labels on 280 real cards openlint was not written against (tests/data/bulk_labels/).

The cards were labelled before the reader was changed, and split by hash into a development half (tuned on) and a
test half (never looked at card by card). Both figures are reported; the test fails if the test half drops below
the figure reached when the README's development notes were written. Precision first: a wrong "released" is
worse than a missed one, so its rate is reported and bounded separately.
"""

from __future__ import annotations

import pytest

from agreement import KEYS, between_labellers, measure

# reached on the test half when the README's figures were written; a change that lowers them is a regression
MIN_TEST_OVERALL = 0.85  # 85.1% (868/1020)
MIN_DEV_OVERALL = 0.90  # dev 90.7%, dev2 90.4% (issue 10): the halves tuned on, bounded too so that tuning cannot trade them away
MIN_TEST_WEIGHTS_AND_INFERENCE = 0.88  # w 94%, inf 89%
MAX_TEST_WRONG_RELEASED = 0.025  # share of all judgements: 22/1020 = 2.2%


@pytest.fixture(scope="module")
def tallies():
    return {split: measure(split) for split in ("dev", "dev2", "test")}


def test_agreement_on_both_halves(tallies, capsys):
    with capsys.disabled():
        for split, tally in tallies.items():
            judgements = sum(tally.total.values())
            print(f"\n{split}: {tally.overall():.1%} of {judgements} judgements; wrong released {len(tally.wrong_released)} "
                  f"({len(tally.wrong_released) / judgements:.1%} of judgements, {tally.wrong_released_rate():.1%} of released calls)")
            print("  " + ", ".join(f"{k} {v:.0%}" for k, v in tally.per_component().items()))
        overall, per, count = between_labellers()
        print(f"between labellers ({count} cards): {overall:.1%}")
    assert min(tallies["dev"].overall(), tallies["dev2"].overall()) >= MIN_DEV_OVERALL
    test = tallies["test"]
    assert test.overall() >= MIN_TEST_OVERALL
    per = test.per_component()
    assert min(per["w"], per["inf"]) >= MIN_TEST_WEIGHTS_AND_INFERENCE, per
    assert len(test.wrong_released) / sum(test.total.values()) <= MAX_TEST_WRONG_RELEASED, test.wrong_released


def test_every_labelled_card_has_all_twelve_components_and_a_split():
    from agreement import primary_labels

    labels = primary_labels()
    assert len(labels) == 280
    assert {entry["split"] for entry in labels.values()} == {"dev", "dev2", "test"}
    for card, entry in labels.items():
        assert set(KEYS) <= set(entry), card
        assert all("|" in entry[key] for key in KEYS), card
