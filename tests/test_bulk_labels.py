"""Agreement with hand labels on all 600 real cards openlint was not written against (tests/data/bulk_labels/).

The cards were labelled before the reader was changed. `dev` to `dev6` were tuned on (dev3 to dev6 were each
measured untuned first, after the rounds before them: 88.5%, 87.2%, 85.8%, 89.6%); `test` (split by hash from dev before any
reader change) and `test2` (a fresh sample labelled after the first tuning, from the cards alone) were never looked at
card by card. All figures are reported; the test fails if a held-out split drops below the figure reached when the
README's development notes were written. Precision first: a wrong "released" is worse than a missed one, so its rate
is reported and bounded separately."""

from __future__ import annotations

import pytest

from agreement import ADJUDICATED, KEYS, RELABELLED, between_labellers, level_of, measure_splits

# the levels a label may give each component: C1-C5 for code, D1-D5 for data
CODE = {"ptc", "ftc", "alc", "evc", "sfc", "inf"}
LEVELS = {key: {f"{'C' if key in CODE else 'D'}{n}" for n in range(1, 6)} | {"N/A", "UNK"} for key in KEYS}

MIN_DEV_OVERALL = 0.92  # dev 93.0%, dev2 92.7%: the first halves tuned on, bounded too so that later tuning cannot trade them away
# reached on the held-out splits when the README's development notes were written; a change that lowers them is a
# regression: (overall, weights and inference code each, wrong "released" as a share of all judgements)
HELD_OUT = {
    "test": (0.903, 0.917, 0.014),  # 90.4% of 1020; w 97.6%, inf 91.8%; 14 wrong released (1.4%)
    # test2 90.7% -> 90.6%: a catalogue licence corrected from its source (a dataset whose card states none) parts
    # from one first label; the relabels and the adjudicated labels gained from the same corrections
    "test2": (0.910, 0.866, 0.019),  # 91.1% of 720; w 100%, inf 86.7%; 13 wrong released (1.8%)
    # the held-out splits labelled again, blind, under sections 1-9 by other readers
    "retest": (0.906, 0.929, 0.018),  # 90.7% of 1020; w 97.6%, inf 92.9%; 18 wrong released (1.8%)
    "retest2": (0.912, 0.883, 0.017),  # 91.2% of 720; w 100%, inf 88.3%; 12 wrong released (1.7%)
    # their disputes settled by a third reader, blind to openlint: the careful reader's labels
    "adjudicated": (0.902, 0.929, 0.017),  # 90.3% of 1020; w 97.6%, inf 92.9%; 17 wrong released (1.7%)
    "adjudicated2": (0.907, 0.866, 0.017),  # 90.8% of 720; w 100%, inf 86.7%; 12 wrong released (1.7%)
}
# the lineage kind (base, fine-tune, merge, quantisation, adapter, other) agreeing with the first labels, held out
# (not a target of the issue; a regression guard on what the report's lineage line says): 66 of 85, 47 of 60
KIND_HELD_OUT = {"test": 0.776, "test2": 0.783}


@pytest.fixture(scope="module")
def tallies():
    return measure_splits(["dev", "dev2", "dev3", "dev4", "dev5", "dev6", "test", "test2", *RELABELLED, *ADJUDICATED])


def test_agreement_on_both_halves(tallies, capsys):
    with capsys.disabled():
        for split, tally in tallies.items():
            judgements = sum(tally.total.values())
            print(f"\n{split}: {tally.overall():.1%} of {judgements} judgements; wrong released {len(tally.wrong_released)} "
                  f"({len(tally.wrong_released) / judgements:.1%} of judgements, {tally.wrong_released_rate():.1%} of released calls)")
            print("  " + ", ".join(f"{k} {v:.0%}" for k, v in tally.per_component().items()) + f"; lineage kind {tally.kind_agreement():.0%}")
        overall, per, count = between_labellers()
        print(f"between labellers ({count} cards): {overall:.1%}")
    assert min(tallies["dev"].overall(), tallies["dev2"].overall()) >= MIN_DEV_OVERALL
    for split, (overall, weights_and_inference, wrong_released) in HELD_OUT.items():
        tally = tallies[split]
        assert tally.overall() >= overall, split
        per = tally.per_component()
        assert min(per["w"], per["inf"]) >= weights_and_inference, (split, per)
        # counts only: a failure must not print the held-out cards one by one (nobody looks at them card by card)
        wrong, judgements = len(tally.wrong_released), sum(tally.total.values())
        assert wrong / judgements <= wrong_released, (split, wrong)
    for split, kind in KIND_HELD_OUT.items():
        assert tallies[split].kind_agreement() >= kind, (split, f"{tallies[split].kind_agreement():.3f}")


@pytest.mark.parametrize("split", sorted(RELABELLED))
def test_a_relabelled_split_is_the_whole_held_out_split_with_all_twelve_components(split):
    from agreement import primary_labels, relabelled

    again = relabelled(split)
    held_out = {card for card, entry in primary_labels().items() if entry["split"] == RELABELLED[split]}
    assert set(again) == held_out
    for card, entry in again.items():
        assert all(level_of(entry[key]) in LEVELS[key] for key in KEYS), card


@pytest.mark.parametrize("split", sorted(ADJUDICATED))
def test_an_adjudicated_split_settles_every_dispute_and_nothing_else(split):
    from agreement import _read_labels, disputes

    decided = _read_labels(("adjudicated-*.yaml",))
    open_ = disputes(ADJUDICATED[split])
    held_out = {card for card, entry in decided.items() if entry["split"] == RELABELLED[ADJUDICATED[split]]}
    assert set(open_) == held_out
    for card, keys in open_.items():
        assert set(decided[card]) - {"split"} == set(keys), card
        assert all(level_of(decided[card][key]) in LEVELS[key] and "|" in decided[card][key] for key in keys), card


def test_every_labelled_card_has_all_twelve_components_and_a_split():
    from agreement import primary_labels

    labels = primary_labels()
    assert len(labels) == 600
    assert {entry["split"] for entry in labels.values()} == {"dev", "dev2", "dev3", "dev4", "dev5", "dev6", "test", "test2"}
    for card, entry in labels.items():
        assert set(KEYS) <= set(entry), card
        assert all("|" in entry[key] for key in KEYS), card
