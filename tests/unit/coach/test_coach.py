"""The rule coach: scores, evidence from the user's own words, targets, and safe suggestions."""

from __future__ import annotations

import pytest

from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.game.visibility import find_leak
from simulator.persona.model import Persona

COACH = RuleCoach()

CASES = [
    # (message, questions, interests, collaboration)
    ("What would a good outcome look like for you?", 2, 2, 1),
    ("Help me understand what the deadline needs to achieve.", 2, 2, 1),
    ("I hear you. What is driving the 25% for you?", 2, 2, 2),
    ("Can you do 15%?", 0, 0, 1),  # an offer with a question mark is still an offer
    ("Is there any flexibility on the price?", 1, 2, 1),
    ("Will the price include delivery?", 1, 1, 1),
    ("When do you need it by?", 1, 1, 1),
    ("What is your budget?", 2, 1, 1),
    ("How much can you pay?", 1, 1, 1),
    ("Our price is fair and we will not move.", 0, 0, 1),
    ("Take it or leave it.", 0, 0, 0),
    ("This is ridiculous, we'll go to a competitor.", 0, 0, 0),
    ("Let's split the difference at 12%.", 0, 0, 0),
    ("I don't care about your internal problems.", 0, 0, 0),
    ("WHY ARE YOU DOING THIS TO US", 0, 0, 0),  # a question thrown in anger argues; it does not ask
    ("Why should I give you anything?", 0, 0, 1),
    ("I'm fine, thanks. And you?", 0, 0, 1),
    ("We need water most for the hike. How about you?", 2, 2, 1),
    ("You don't really need that much firewood for one night.", 0, 0, 0),
    ("Would you be willing to donate a dollar?", 0, 0, 1),
    ("How are you today?", 0, 0, 1),
    ("To be open with you, our margin is thin. What constraints are you working within?", 2, 2, 2),
    ("Is there a budget limit you are working within?", 1, 2, 1),
    ("Who else in your organisation will judge how this turns out?", 2, 2, 1),
    ("I don't understand why you need this.", 0, 0, 1),
    ("Let's work this out together. What matters most to you here?", 2, 2, 2),
    # How much / how many asks for a quantity (a position, a detail), not what it is for.
    ("How many licences does your team need?", 1, 1, 1),
    ("How much storage would you want for the archive?", 1, 1, 1),
    ("Why does your team need that many licences?", 2, 2, 1),
    # A closed question that names an amount checks a position; without one it asks about the need.
    ("Do you need 500 units by March?", 1, 1, 1),
    ("Do you need the extra capacity?", 1, 2, 1),
    # "How about you?" after one's own needs asks about theirs; after small talk it returns the courtesy.
    ("Our main worry is the delivery date. How about you?", 2, 2, 1),
    ("We mostly need the budget signed off before June, what about you?", 2, 2, 1),
    ("Great, I'm really looking forward to the conference. How about you?", 0, 0, 1),
    ("I'm doing well, just back from a long weekend. And you?", 0, 0, 1),
    ("I've been to their Berlin office before. Have you?", 1, 1, 1),
    # Checks on terms already on the table are confirmations, not probes of what they need.
    ("Would a two-year term with quarterly billing work for you?", 0, 0, 1),
    ("Are you happy with these terms?", 0, 0, 1),
    ("What would work for you on the timeline?", 2, 2, 1),
    # Offers phrased as questions.
    ("Would you be interested in a longer contract?", 0, 0, 1),
    ("Do you think you could come down to 90k?", 0, 0, 1),
    ("Why don't you take the morning slots in the lab?", 0, 0, 1),
    ("Do you want the extra seats if we cover the training?", 0, 0, 1),
    ("Have you ever considered a multi-year licence?", 1, 1, 1),  # about their past: it asks
    # Small talk and greetings.
    ("Any plans for the weekend?", 1, 0, 1),
    ("How are you feeling today?", 0, 0, 1),
    ("How are you feeling about the revised timeline?", 2, 2, 1),
    # Questions that argue or only seek agreement.
    ("Can you imagine what happens if we miss the launch?", 0, 0, 1),
    ("Even a small discount goes a long way, you know?", 0, 0, 1),
    ("Isn't that great?", 0, 0, 1),
    # Offering information is not asking for it.
    ("If you'd like to learn more about our service levels, the brochure covers them.", 0, 0, 1),
    ("I'd like to understand how your team plans the rollout.", 2, 2, 1),
    # Asking about their own supply and what is worth something to them.
    ("Do you have enough warehouse space for the spring order?", 1, 2, 1),
    ("Is faster delivery of interest to you as well?", 1, 2, 1),
    # A decimal point does not end a sentence.
    ("Would you accept $0.50 less per unit?", 0, 0, 1),
    ("What is the $2.5 million budget meant to cover?", 2, 2, 1),
    # Questions typed without a question mark need a question's word order.
    ("how does your team usually handle renewals", 2, 2, 1),
    ("which option do you prefer for the rollout", 1, 2, 1),
    ("I'll explain why the price went up.", 0, 0, 1),
    ("Why yes, we have.", 0, 0, 1),
    ("So do I, it has been a long quarter.", 0, 0, 1),
    ("Yes, and have the contract ready by Friday.", 0, 0, 1),
    # Requests for information and offers of it.
    ("I'd love some more details on the warranty.", 2, 1, 1),
    ("Tell me as much as you can about the delivery risks.", 2, 2, 1),
    ("Would you like to hear more about our support tiers?", 0, 0, 1),
    # Checks for a yes, suggestions and rhetorical questions.
    ("So do I have your commitment to the March date?", 0, 0, 1),
    ("Are you interested?", 0, 0, 1),
    ("Why not phase the payments over two quarters?", 0, 0, 1),
    ("Can you believe that?", 0, 0, 1),
    ("How can we just ignore the data?", 0, 0, 1),
    ("Do you?", 1, 1, 1),  # an echo question asks
    # Undervaluing their needs: presuming, minimising, pointing at what they already have, ranking needs.
    ("You probably don't need all the licences.", 0, 0, 0),
    ("I thought you said you only needed two rooms.", 0, 0, 0),
    ("I was under the impression you had plenty of budget left.", 0, 0, 0),
    ("You already have lots of spare capacity in the other lab.", 0, 0, 0),
    ("At least you'll still have the Q3 budget.", 0, 0, 0),
    ("You want the lab for convenience, while we need it to survive the audit.", 0, 0, 0),
    ("Moving the deadline won't be that hard for you.", 0, 0, 0),
    ("Are you sure you need all twelve seats?", 0, 0, 0),
    ("Surely your team can just use your own contractors.", 0, 0, 0),
    # Not undervaluing, threatening or insulting: plain questions, one's own things, idioms, history.
    ("Do you have enough staff for the launch?", 1, 2, 1),
    ("Our old laptops are useless, so we need new ones.", 0, 0, 1),
    ("Our team has been working like crazy on this.", 0, 0, 1),
    ("I need the room on Friday or else the demo cannot happen.", 0, 0, 1),
    ("I will leave the pricing to you.", 0, 0, 1),
    ("The last offer you sent was close.", 0, 0, 1),
    ("I hope you have lots of fun at the offsite!", 0, 0, 1),
    ("Can you spare me two hours of lab time?", 0, 0, 1),
    ("Maybe we can divide the hours so we both get what we need.", 0, 0, 2),
    # Small talk about the journey or the weekend: a real question by its form, though it probes no interest.
    ("How was your trip in this morning?", 2, 0, 1),
    ("How was your weekend over there?", 2, 0, 1),
    # A leading "when…" clause sets the scene; the clause that asks decides what the question does.
    ("When the shipment lands, would you be willing to hold two pallets for us?", 0, 0, 1),
    ("When the contract renews, what matters most to your team?", 2, 2, 1),
    ("When a supplier lets you down, what do you expect from them next?", 2, 2, 1),
    ("When do you need the signed contract back?", 1, 1, 1),  # timing alone is a detail
    # "rate" the verb asks for a view; "rate" the noun is a term of the deal.
    ("How would your board rate the way this renewal went?", 2, 2, 1),
    ("What day rate are you paying the agency now?", 2, 1, 1),
    # Who carried the blame, who backed the choice: the people behind the position.
    ("Who took the heat the last time a launch slipped?", 1, 2, 1),
    ("Who championed this vendor inside your company?", 1, 2, 1),
    ("How is that decision being judged by now?", 2, 2, 1),
    # What cannot give, asked of them.
    ("Which weeks are critical for your own trials?", 1, 2, 1),
    # Money put by for this is their limit; a quantity of the goods is a position.
    ("How much has your team set aside for the new system?", 1, 2, 1),
    ("What has finance earmarked for this project?", 2, 2, 1),
    ("How much firewood do you need?", 1, 1, 1),
    # Checks on the conversation itself keep the channel open; they do not seek understanding.
    ("Are you still there?", 0, 0, 1),
    ("Sorry, can you see my last message?", 0, 0, 1),
    ("How do we end this chat?", 0, 0, 1),
    ("How do we end up with something that works for your team?", 2, 2, 1),
    # Whose approval, where it leaves them, what would reassure them, the limit they work under: probes.
    ("Whose blessing do you need before you sign?", 1, 2, 1),
    ("Where does the delay leave you with your own customers?", 1, 2, 1),
    ("What would reassure you that we will deliver this time?", 2, 2, 1),
    ("Is there a ceiling on what you can spend this year?", 1, 2, 1),
    ("Where does the train leave from?", 1, 1, 1),
    # Their life away from the deal is small talk (questions by form, no probe); what they sell is the business.
    ("What is your favourite film?", 2, 0, 1),
    ("Where are you from?", 1, 0, 1),
    ("Which football team do you support?", 1, 0, 1),
    ("What kind of coffee do you sell the most?", 2, 1, 1),
    # How they see themselves is asked, not offered.
    ("Would you consider yourself a cautious buyer?", 1, 1, 1),
    # A relative clause after a comma describes; it does not ask. A typed-out question still asks.
    ("We can take twelve licences, which is the most our budget allows.", 0, 0, 1),
    ("I spoke to the team lead, who is happy with the plan.", 0, 0, 1),
    ("Fine by me, which option do you prefer", 1, 2, 1),
    # Phones type curly apostrophes and people type fast: read as plain spelling, quoted as typed.
    ("I’d like to know what worries you about the timeline.", 2, 2, 1),
    ("How’s it going?", 0, 0, 1),
    ("That’s my final offer, take it or leave it.", 0, 0, 0),
    ("wat do u need the firewood for?", 2, 2, 1),
    ("whats most important to u in this deal", 2, 2, 1),
    ("hi, how r u?", 0, 0, 1),
    # Asking about their terms issues no ultimatum; stating one's own does, question mark or not.
    ("Is that your final offer?", 1, 1, 1),
    ("Is the price non-negotiable?", 1, 1, 1),
    ("This is my final offer, is that clear?", 0, 0, 0),
    # A leading question carries the answer it wants; a suggestion put as a question is still a question.
    ("Don't you think it is a fair deal?", 0, 0, 1),
    ("Wouldn't it be smarter to just accept our terms?", 0, 0, 1),
    ("Wouldn't it be easier to phase the payments?", 1, 1, 1),
    # Asking how an offer sounds checks the offer; it does not seek understanding.
    ("How does $500 a month sound?", 0, 0, 1),
]


@pytest.mark.parametrize(("text", "q", "i", "c"), CASES, ids=[c[0][:40] for c in CASES])
def test_scores(text: str, q: int, i: int, c: int) -> None:
    grade = COACH.grade(read_message(text), Visible(None, (), (), 1))
    assert grade.scores() == {"questions": q, "interests": i, "collaboration": c}
    for name in ("questions", "interests", "collaboration"):
        criterion = getattr(grade, name)
        # Evidence is always the user's own words, and a score above zero always has some.
        assert criterion.evidence.rstrip("…") in text
        if criterion.score > 0 and name != "collaboration":
            assert criterion.evidence
        assert criterion.reason
    assert grade.suggestion and grade.coach == "rules"


@pytest.mark.parametrize(
    ("context", "asks"),
    [((), False), (("I'm doing well.",), False), (("We give to a food bank every winter.",), True)],
)
def test_handed_back_question_reads_what_the_speaker_said_before(context: tuple[str, ...], asks: bool) -> None:
    reading = read_message("What about you?", context)
    assert bool(reading.questions) is asks and bool(reading.pleasantries) is not asks


def test_same_message_same_grade() -> None:
    text = "I can see why that matters. What happens on your side if the date moves?"
    assert COACH.grade(read_message(text), Visible(None, (), (), 3)) == COACH.grade(
        read_message(text), Visible(None, (), (), 3)
    )


def test_specific_probe_targets_its_interest(dana: Persona) -> None:
    visible = Visible(dana, (), (), 1)
    budget = COACH.grade(read_message("What constraints are you under on the budget side?"), visible)
    assert budget.interests.targets[0] == "budget_cap"
    boss = COACH.grade(read_message("How will your director see this deal once it is signed?"), visible)
    assert boss.interests.targets[0] == "savings_target"


def test_general_probe_targets_most_pressing_hidden_interest(dana: Persona) -> None:
    text = "What would a good outcome look like for you?"
    assert COACH.grade(read_message(text), Visible(dana, (), (), 1)).interests.targets == ["budget_cap"]
    later = COACH.grade(read_message(text), Visible(dana, ("budget_cap",), (), 4))
    assert later.interests.targets == ["savings_target"]


def test_no_probe_no_targets(dana: Persona) -> None:
    grade = COACH.grade(read_message("Our budget is fixed, take it or leave it."), Visible(dana, (), (), 1))
    assert grade.interests.targets == []


def test_suggestion_uses_their_position_not_a_canned_line(dana: Persona) -> None:
    grade = COACH.grade(read_message("That discount is ridiculous."), Visible(dana, (), (), 1))
    assert "the 25% discount" in grade.suggestion
    closed = COACH.grade(read_message("Will the price include delivery?"), Visible(dana, (), (), 1))
    assert "Will the price include delivery?" in closed.suggestion
    offer = COACH.grade(read_message("Can you do 15%?"), Visible(dana, (), (), 1))
    assert "early to propose" in offer.suggestion


def test_suggestion_builds_on_uncovered_interest_only(dana: Persona) -> None:
    text = "I hear you. What matters most to you in this renewal?"
    grade = COACH.grade(read_message(text), Visible(dana, ("budget_cap",), (), 2))
    assert "What if we" in grade.suggestion
    assert find_leak(grade.suggestion, dana, ("budget_cap",)) is None


@pytest.mark.parametrize(
    "text",
    [
        "What would a good outcome look like for you?",
        "Take it or leave it.",
        "Can you do 15%?",
        "I hear you. What matters most to you?",
        "Who else will judge this deal?",
        "Let's split it.",
    ],
)
def test_feedback_never_gives_away_hidden_interests(catalog, text: str) -> None:
    for persona in catalog.personas.values():
        grade = COACH.grade(read_message(text), Visible(persona, (), (), 1))
        feedback = " ".join([grade.suggestion, *grade.notices, grade.questions.reason, grade.interests.reason])
        assert find_leak(feedback, persona, ()) is None


def test_other_language_gets_a_notice() -> None:
    grade = COACH.grade(read_message("Необходимо обсудить условия контракта."), Visible(None, (), (), 1))
    assert grade.notices and "English" in grade.notices[0]
    assert "English" in grade.suggestion


def test_chat_spelling_is_written_out_only_where_it_is_a_whole_chat_word() -> None:
    from simulator.coach.spelling import plain

    assert plain("wat r u after? ur team’s view?") == "what are you after? your team's view?"
    assert (
        plain("We ship from the U.S. and our R&D team wont wait") == "We ship from the U.S. and our R&D team won't wait"
    )
    assert plain("WHY R U DOING THIS") == "WHY ARE YOU DOING THIS"  # shouting stays shouting
    assert plain("U there? Im here") == "You there? I'm here"
