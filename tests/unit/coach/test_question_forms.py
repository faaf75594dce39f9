"""Questions as people really ask them in speech and chat, in sentences of our own: open (2), closed (1), none (0)."""

from __future__ import annotations

import pytest

from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible

COACH = RuleCoach()  # as shipped: the rules and the learned layer
VISIBLE = Visible(persona=None, uncovered=(), terms=(), turn=1)

FORMS = {
    "after a greeting, filler or acknowledgement": [
        ("Hi there! So, tell me, how are things going with the rollout?", 2),
        ("Hi there! So, tell me, how are things going?", 2),
        ("Hello. What brings you to the table today?", 2),
        ("Okay, what matters most to you in this?", 2),
        ("Mm-hmm. And how did that go?", 2),
        ("Thanks for that. What else is on your mind?", 2),
        ("Got it, so how do you feel about the timeline?", 2),
        ("Right right, and why is the date so fixed?", 2),
    ],
    "how about": [
        ("How about the delivery dates?", 2),
        ("How about your team, how are they taking it?", 2),
        ("And how about their side of it?", 2),
    ],
    "tell me / say more": [
        ("Tell me more about the deadline.", 2),
        ("Say more about what worries you.", 2),
        ("Okay, say a bit more about that.", 2),
        ("Walk me through how you decide.", 2),
        ("Fill me in on what happened last quarter.", 2),
        ("I'd love to hear what you think about it.", 2),
        ("I was wondering what you had in mind for the launch", 2),
    ],
    "without a question mark": [
        ("what would make this work for you", 2),
        ("how are you feeling about the offer", 2),
        ("do you have any flexibility on the schedule", 1),
        ("is there any room in the budget for training", 1),
        ("Hi! What brings you here today", 2),
        ("Okay. What worries you most about the renewal", 2),
        ("so what happens if the launch slips", 2),
        ("what needs to happen for you to sign", 2),
    ],
    "likes and experiences": [
        ("What do you like about the current supplier?", 2),
        ("What was that like for you?", 2),
        ("How was your trip?", 2),
        ("What's your favourite part of the job?", 2),
        ("Where are you based?", 1),
    ],
    "several in one message": [
        ("Is it the price? What else matters to you?", 2),
        ("Do you need it soon? Is the price fixed?", 1),
        ("What do you need from this? And when do you need it? Is the price the main thing?", 2),
    ],
    "not questions": [
        ("No need to share more information.", 0),
        ("I was wondering that.", 0),
        ("How are you?", 0),
        ("Our price is fair and we will not move.", 0),
        ("How about we split the work into two phases?", 0),  # a proposal, not a question
        ("What worries me is the price.", 0),  # the wh-word opens a statement
        ("What happens next is up to you", 0),
    ],
    "closed checks and short asks": [
        ("Anything else?", 1),
        ("So you need it by Friday?", 1),
    ],
}


@pytest.mark.parametrize(
    ("form", "text", "score"), [(form, text, score) for form, cases in FORMS.items() for text, score in cases]
)
def test_question_forms(form: str, text: str, score: int) -> None:
    grade = COACH.grade(read_message(text), VISIBLE)
    assert grade.questions.score == score, (form, grade.questions)
    if score:
        assert grade.questions.evidence and grade.questions.evidence in text  # the user's own words


def test_small_talk_questions_count_as_questions_but_probe_nothing() -> None:
    grade = COACH.grade(read_message("How was your trip?"), VISIBLE)
    assert grade.questions.score == 2 and "away from the deal" in grade.questions.reason
    assert grade.interests.score == 0


def test_the_open_question_is_quoted_when_a_message_asks_several() -> None:
    grade = COACH.grade(read_message("Is it the price? What else matters to you?"), VISIBLE)
    assert grade.questions.evidence == "What else matters to you?"
