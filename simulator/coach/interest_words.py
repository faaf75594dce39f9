"""Patterns for what a question is about: needs and their kinds, positions and details, proposals.

Our own phrasing, tuned on no data set; `lexicon.py` holds the patterns for a sentence's form."""

from __future__ import annotations

import re

from simulator.text import any_of

# A question about the other side's own needs, preferences or plans probes interests in any form.
NEEDS = any_of(
    r"\b(?:you|your|u)\b(?:(?!\bi\b).){0,40}?\b(?:need(?:s|ed|ing)?|want(?:s|ed|ing)?|prefer(?:s|red|ring|ence|ences)?|prefernces|priority|"
    r"priorities|interest|interested|of interest|important|value|valuable|looking for|look for|looking forward|hoping for|hoping to|"
    r"plan|planning|plans|use (?:it|them|that) for|going to use|(?:could|can) use|use more|most excited|care about|short on|"
    r"low on|running low|lacking|missing|focus|require|requires|requirement|requirements)\b",
    r"\b(?:matters? most|most important|most valuable|value most|top priority|highest priority|least important|least (?:you )?need|"
    r"most needed|desire most|most desired|most valued|valued most)\b",
    r"\bof (?:most |more |any |much |particular |greatest |great |real )?(?:interest|value|importance|use) to (?:you|u)\b",
    # "Which weeks are critical for your trials?": what cannot give, asked of them.
    r"\b(?:critical|essential|crucial|vital|non-negotiable|indispensable) (?:for|to) (?:you|your|u)\b",
    r"\b(?:greatest|most|highest|more) value to (?:you|u)\b",
    # Their own supply and situation: "do you have enough storage?", "how is your staffing?"
    r"^(?:do|did|will|would) (?:you|u|your \w+) (?:have|got) enough\b",
    r"\byour (?:\w+ )?(?:supply|supplies|stock|stocks|capacity|inventory|resources|workload|bandwidth)\b",
    r"\b(?:on|from|at) your (?:side|end)\b|\b(?:looking|going) (?:on )?your way\b",
    r"\b(?:priority|priorities|preference|preferences) of yours\b",
    r"\byour (?:\w+ )?(?:situation|side of things|circumstances|reasons|thoughts on|view on|opinion on|experience|feelings)\b",
    r"\bhow (?:are|r) (?:you|u|things) (?:doing |set |fixed |off |looking )?(?:on|for|with|in terms of) \w+",
    r"\bwhat\b.{3,50}\bfor\s*[?!.]*$",
    r"^what\b.{0,40}\bfor (?:you|u)\s*[?!.]*$",
)
PROBE = {
    "purpose": any_of(
        r"\bwhy\b",
        r"\b(?:a|any|the|some) (?:particular |specific )?reason (?:why |that )?(?:you|u|your)\b",
        r"\bwhat (?:is|are|was) (?:it|that|this|they) for\b",
        r"\bwhat for\b",
        r"\b(?:meant|supposed|need(?:s|ed)?) to (?:achieve|accomplish|solve|get done|cover|make possible)\b",
        r"\b(?:trying|hoping|aiming|looking|wanting) to\b",
        r"\b(?:goal|aim|purpose|objective)s?\b",
        r"\bwhat would (?:that|it|this) (?:let|allow|give|get|make possible)\b",
    ),
    "driver": any_of(
        r"\bwhat(?:'s| is| was)? (?:driving|behind|underneath|prompting)\b",
        r"\bwhat (?:drives|lies behind|sits behind|prompted|led to|leads to)\b",
        r"\bwhere (?:does|did) (?:that|this|it|the \w+) (?:number |figure |date )?come from\b",
        r"\b(?:reason|background|story|context|history) (?:for|behind|to|of)\b",
        r"\bhow\b.{0,50}\b(?:is|are|was|were|gets?|got|do you|does|did)\b.{0,30}\b(?:set|decided|determined|calculated|worked out|come about|came about|agreed)\b",
        r"\bcome about\b",
    ),
    "priorities": any_of(
        r"\bmatters?\b",
        r"\bimportant\b",
        r"\bprioriti",
        r"\bcare (?:most )?about\b",
        r"\bvalue most\b",
        r"\bwhat (?:do|would) you need\b",
        r"\byour needs\b",
        r"\bwhat (?:do|would|does|will) (?:you|your \w+|they) (?:really |most )?need\b",
    ),
    "concerns": any_of(
        r"\bconcern",
        r"\bworr",
        r"\bafraid\b",
        r"\brisks?\b",
        r"\bnervous\b",
        r"\bpressure",
        r"\bkeeps? you up\b",
        r"\bchallenge",
        r"\bat stake\b",
        r"\bstakes?\b",
        r"\bwhat(?:'s| is) (?:hard|difficult|tough)\b",
        r"\bfrustrat",
    ),
    "constraints": any_of(
        r"\bconstrain",
        r"\blimit",
        r"\brestrict",
        r"\bworking (?:within|with|under)\b",
        r"\btied to\b",
        r"\bflexib",
        r"\broom\b",
        r"\bstopping\b",
        r"\bgets? in the way\b",
        r"\bobstacle",
        r"\bblocker",
        r"\bhands? (?:are )?tied\b",
        r"\bfits? (?:into|in with|with)\b",
        # Money put by for this: "how much has been set aside?" asks about their limit, not for a number to split.
        r"\b(?:set|put) aside\b",
        r"\bearmark",
        r"\bring-?fenced?\b",
        r"\b(?:ceiling|hard cap)\b",
    ),
    "consequences": any_of(
        r"\bwhat (?:happens|would happen|will happen|happened)\b",
        r"\bwhat would (?:it|that|this) mean\b",
        r"\bwhat does (?:that|this|it) mean for\b",
        r"\bimpact",
        r"\baffect",
        r"\bconsequence",
        r"\bif (?:the date|it|that|this) (?:moves?|slips?|changes?)\b",
        r"\bcost (?:you|your)\b",
        r"\b(?:go|goes|went|going) wrong\b",
        # Where it leaves them, and how it reflects on them.
        r"\bwhere does (?:\w+ ){1,3}leave (?:you|your)\b",
        r"\b(?:reflects?|reflecting|look|looks|looking) (?:badly|poorly|bad|good|well) on (?:you|your)\b",
        r"\b(?:heat|pressure|spotlight) (?:is |are )?on you\b|\bon the hook\b",
    ),
    "success": any_of(
        r"\bsuccess",
        r"\bsucceed",
        r"\bgood outcome\b",
        r"\bideal",
        r"\blooks? like\b",
        r"\bwhat would (?:make|it take|help|have to)\b",
        r"\bwhat would .{0,40}\bneed to (?:do|happen|change|contribute|see|hear|show)\b",
        r"\bwin for you\b",
        # What would settle their doubts: "what would reassure you?", "what would it take to convince you?".
        r"\bwhat (?:would|could|will|might) (?:\w+ )?(?:reassure|convince|persuade|satisfy|comfort) (?:you|your)\b",
        r"\bwhat (?:would|could|will) (?:i|we) (?:do|show|offer|say) to (?:reassure|convince|persuade) you\b",
        r"\bwhat could (?:i|we) do to (?:reassure|convince|persuade|help) you\b",
        r"\bsatisf",
        r"\bbest case\b",
        r"\bwork for you\b",
        r"\bgood result\b",
        r"\bhappy with\b",
    ),
    "stakeholders": any_of(
        r"\bwho else\b",
        r"\byour (?:boss|team|board|director|manager|leadership|family|partner|staff|people|colleagues|ceo|members)\b",
        r"\bstakeholder",
        r"\bwhose (?:blessing|approval|sign-?off|say-?so|backing|support|buy-?in|decision|call|permission)\b",
        r"\b(?:people|folks|anyone|someone|those|one|ones) (?:above|over) you\b|\bhigher-?ups?\b|\btop brass\b|\bpurse strings\b",
        r"\b(?:seen|judged|viewed|measured|evaluated) (?:by|on)\b",
        r"\breport(?:ing)? (?:to|up)\b",
        r"\banswer to\b",
        r"\bwho(?:'s| is| are)? (?:watching|involved|deciding|judging|affected)\b",
        r"\b(?:watching|internally|upstairs)\b",
        r"\b(?:communicated|promised|announced) to\b",
        r"\bwho\b.{0,40}\b(?:judge|decide|sign off|approve|watch|weigh in|champion|back|backed|push(?:ed)? for|blame|"
        r"take the heat|took the heat|taking the heat|accountable|responsible|promised|committed|told)",
        # "How is that choice being judged now?": how others see it.
        r"\bhow (?:is|are|was|were|will|would) .{0,40}\b(?:judged|seen|viewed|perceived|regarded|received)\b",
        r"\b(?:family|board|shareholders|partners|colleagues|others|staff|owners)\b.{0,30}\b(?:see|view|react|think|feel|judge|say)\b",
    ),
    "feelings": any_of(
        r"\bhow (?:do|did|does|are) (?:you|it|that|this) feel",
        r"\bhow (?:are|were) you feeling\b",
        r"\bexperience\b",
        r"\bhow has (?:this|it|that) been\b",
        r"\breact(?:ed|ion)?\b",
        r"\b(?:they|you) expect\b",
    ),
    "understanding": any_of(
        r"\bhelp me understand\b",
        r"\bwalk me through\b",
        r"\btalk me through\b",
        r"\btell me more\b",
        r"\bsay more\b",
    ),
}


PERSPECTIVE = any_of(
    r"\b(?:you|your)\b.*\b(?:want|wanted|expect|expected|like|feel|felt|see|saw|think|hope|prefer|find|found|handle|handled|"
    r"lead|react|reacted|view|viewed|vision|relationship|experience|mind|picture|imagine|learn|learned|brought in|"
    r"responsible|hear|heard|worked|work with|went|go|approach|teach|taught|describe)\b",
    r"\bhow (?:should|could|can|would) (?:we|i)\b.*\byou\b",
    r"\b(?:was it|is it|has it been) like\b",
)
# Asking for their reaction in general ("what do you think?") checks in; it does not reach for a need.
GENERIC_VIEW = re.compile(
    r"^(?:so |ok |okay |then )?(?:what do you think|what are your thoughts|what do you have in mind|what do you think (?:is|would be) (?:a )?fair\b.*|"
    r"what do you say|what would you suggest|what do you suggest|what do you propose|what do you think (?:of|about) (?:that|this|it))\s*[?!.]*$",
    re.I,
)
# "How much storage do you need?" asks for a quantity (a position), not for what it is for.
QUANTITY = re.compile(r"\bhow (?:much|many)\b", re.I)
# A need stated as an amount: "do you need 2 crates?", "you want all of the water?" checks a position.
AMOUNT = re.compile(
    r"\b(?:need|needs|want|wants|prefer|like|get|take)\s+(?:about |around |at least |only |just |exactly |maybe )?"
    r"(?:\d|(?:two|three|four|five|six|ten|dozen|hundred|thousand|half|both|each|all|all of (?:the|them|it|that|those)|all the|"
    r"a (?:pack|package|unit|bundle|case|crate|box)|one (?:of|more|extra|pack|package|unit|case|crate|box))\b)",
    re.I,
)
# "Have you ever considered…", "Did you give last year?": about their past, so it asks rather than offers.
EXPERIENCE = re.compile(r"^(?:have|had|did) (?:you|u)\b(?!.*\b(?:now|today|right now|instead)\b)", re.I)
# How to divide what is on the table is a term of the deal, not a need behind it.
DIVIDING = re.compile(r"\b(?:split|divide|divvy|share out|distribute|allocate)\b", re.I)
DETAIL = any_of(
    DIVIDING.pattern,
    r"\b(?:price|pricing|budget|cost|costs|number|figure|discount|percent|percentage|salary|date|deadline|timeline|"
    r"amount|quantity|volume|fee|fees|terms)\b",
    # "the rate", "your day rate": the noun; "how do they rate this?" asks for a view.
    r"\b(?:the|your|our|a|what|which|day|hourly|daily|going|market|flat|interest|exchange) rates?\b|\brates? of\b",
    r"\bhow (?:much|many|soon|long)\b",
)
# "When do you need it?" asks about timing; "When it slips, what happens?" asks in its second clause.
TIMING_ONLY = re.compile(r"^\W*(?:when|where|by when|what time|what date)\b[^,;:]*$", re.I)
PROPOSAL = any_of(
    r"\bwhat if (?:we|i|you|your|our|the)\b",
    r"\bhow about (?!you\b|yours\b|yourself\b|u\b)",
    r"\bwhat about (?:if|we)\b",
    r"\b(?:we|i) could\b",
    r"\b(?:we|i) can (?:offer|do|give|provide|include|phase|spread|move|deliver|add|lock|split|commit|start|run|bring|put|cover|share|guarantee|extend)\b",
    r"\bi(?:'d| would) (?:propose|suggest|offer|like to offer|like to propose)\b",
    r"\b(?:i|we) (?:propose|suggest|offer)\b",
    r"\bsuppose (?:we|i)\b",
    r"\bwould it help if\b",
    r"\bhow would it work if\b",
    r"\bwould you (?:accept|consider|be open to|agree to|go for)\b",
    r"\blet's (?:do|agree|say|go with|settle|try|put)\b",
    r"\b(?:our|my) (?:offer|proposal)\b",
    r"\b(?:i|we)(?:'m| am|'re| are) (?:prepared|willing|able|happy|ready) to\b",
    r"\bin (?:exchange|return)\b",
    r"\bhere(?:'s| is) (?:a|my|an|our) (?:idea|proposal|offer|suggestion)\b",
    r"\bif you .{1,60}, (?:then )?(?:we|i) (?:can|could|will|would)\b",
    # "You take the food, I take the water": a division on the table.
    r"\b(?:you|u) (?:get|take|keep|have|would get|can have|could have)\s+(?:the |all |\d|one\b|two\b|three\b|both\b|half\b|most\b|extra\b|an? )"
    r"[^.?!]{0,60}\b(?:i|we) (?:get|take|keep|have|would get)\b",
    r"\b(?:i|we) (?:get|take|keep|would get)\s+(?:the |all |\d|one\b|two\b|three\b|both\b|half\b|most\b|extra\b|an? )"
    r"[^.?!]{0,60}\b(?:you|u) (?:get|take|keep|have|can have|could have)\b",
)
EXPLORING = any_of(
    r"\bwhat if\b",
    r"\bhow would it work if\b",
    r"\bwould it help if\b",
    r"\bsuppose (?:we|i)\b",
    r"\bimagine (?:we|if)\b",
)
