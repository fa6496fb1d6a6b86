"""Text normalisation: lines a PDF wrapped mid-sentence are joined, structure lines are kept."""

from ingest.normalize import join_wrapped_lines


def test_wrapped_lines_join_but_headings_and_bullets_stay() -> None:
    text = (
        "The core group, usually ten to sixteen seats, takes\ndecisions. The wider circle is consulted.\n"
        "A core group includes:\n• the chair\n• education\nStep 2: decide who sits\n"
        "Groups often forgotten include the\nbusiness community and\n12 residents (see\n(p. 3)."
    )
    assert join_wrapped_lines(text).split("\n") == [
        "The core group, usually ten to sixteen seats, takes decisions. The wider circle is consulted.",
        "A core group includes:",
        "• the chair",
        "• education",
        "Step 2: decide who sits",
        "Groups often forgotten include the business community and 12 residents (see (p. 3).",
    ]


def test_caseless_scripts_are_left_alone() -> None:
    text = "مجموعة القيادة\nتجتمع كل شهر"
    assert join_wrapped_lines(text) == text
