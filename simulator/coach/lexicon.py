"""Patterns the rule coach reads messages with; our own phrasing, tuned on no data set."""

from __future__ import annotations

import re


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


WH_OPEN = re.compile(
    r"^(?:what|why|how|in what way|which way|who else)\b(?!\s+(?:much|many|long|soon|often|far|old|big)\b)", re.I
)
WH_CLOSED = re.compile(r"^(?:when|where|who|whom|whose|which|how (?:much|many|long|soon|often|far|old|big))\b", re.I)
AUX_START = re.compile(
    r"^(?:is|are|am|was|were|do|does|did|can|could|would|will|shall|should|have|has|had|may|might|must|"
    r"isn't|aren't|don't|doesn't|didn't|can't|couldn't|wouldn't|won't|shouldn't|haven't|hasn't|any chance)\b",
    re.I,
)
# Requests that work as open questions even without a question mark.
OPEN_REQUEST = _any(
    r"\bhelp me understand\b",
    r"\bwalk me through\b",
    r"\btalk me through\b",
    r"\btell me (?:more|about|what|how|why|where)\b",
    r"\bi(?:'d| would) (?:love|like) to (?:hear|know|understand|learn)\b",
    r"\bi(?:'m| am) curious\b",
    r"\bi wonder\b",
    r"^(?:describe|explain)\b",
    r"\bcan you (?:describe|explain|share)\b",
)
LEADING_FILLER = re.compile(
    r"^(?:(?:so|and|but|ok|okay|well|then|now|right|alright|also|just|honestly|out of curiosity|"
    r"if i may|may i ask|can i ask|let me ask)[,\s]+)+",
    re.I,
)
PLEASANTRY = _any(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))?[,!\s]*(?:how are you|how(?:'s| is) it going|"
    r"how are things|how have you been|how was your (?:weekend|day|trip|morning|week|holiday)|"
    r"how do you do|what's up|you (?:doing )?(?:ok|alright))\b",
)
# Why-questions that argue rather than ask.
RHETORICAL = _any(
    r"\bwhy (?:should|would) (?:i|we)\b",
    r"\bwhy (?:can't|won't|don't) you (?:just|simply)\b",
    r"\bwhy do you (?:think|believe) you (?:deserve|can|are)\b",
    r"\bwho do you think\b",
    r"\bare you (?:serious|kidding|joking)\b",
    r"\bwhat(?:'s| is) wrong with you\b",
)
PROBE = {
    "purpose": _any(
        r"\bwhy\b",
        r"\bwhat (?:is|are|was) (?:it|that|this|they) for\b",
        r"\bwhat for\b",
        r"\b(?:meant|supposed|need(?:s|ed)?) to (?:achieve|accomplish|solve|get done|cover|make possible)\b",
        r"\b(?:trying|hoping|aiming|looking|wanting) to\b",
        r"\b(?:goal|aim|purpose|objective)s?\b",
        r"\bwhat would (?:that|it|this) (?:let|allow|give|get|make possible)\b",
    ),
    "driver": _any(
        r"\bwhat(?:'s| is| was)? (?:driving|behind|underneath|prompting)\b",
        r"\bwhat (?:drives|lies behind|sits behind|prompted|led to|leads to)\b",
        r"\bwhere (?:does|did) (?:that|this|it|the \w+) (?:number |figure |date )?come from\b",
        r"\b(?:reason|background|story|context|history) (?:for|behind|to|of)\b",
        r"\bhow\b.{0,50}\b(?:is|are|was|were|gets?|got|do you|does|did)\b.{0,30}\b(?:set|decided|determined|calculated|worked out|come about|came about|agreed)\b",
        r"\bcome about\b",
    ),
    "priorities": _any(
        r"\bmatters?\b",
        r"\bimportant\b",
        r"\bprioriti",
        r"\bcare (?:most )?about\b",
        r"\bvalue most\b",
        r"\bwhat (?:do|would) you need\b",
        r"\byour needs\b",
        r"\bwhat (?:do|would|does|will) (?:you|your \w+|they) (?:really |most )?need\b",
    ),
    "concerns": _any(
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
    "constraints": _any(
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
    ),
    "consequences": _any(
        r"\bwhat (?:happens|would happen|will happen|happened)\b",
        r"\bwhat would (?:it|that|this) mean\b",
        r"\bwhat does (?:that|this|it) mean for\b",
        r"\bimpact",
        r"\baffect",
        r"\bconsequence",
        r"\bif (?:the date|it|that|this) (?:moves?|slips?|changes?)\b",
        r"\bcost (?:you|your)\b",
        r"\b(?:go|goes|went|going) wrong\b",
    ),
    "success": _any(
        r"\bsuccess",
        r"\bsucceed",
        r"\bgood outcome\b",
        r"\bideal",
        r"\blooks? like\b",
        r"\bwhat would (?:make|it take|help|have to)\b",
        r"\bwhat would .{0,40}\bneed to (?:do|happen|change|contribute|see|hear|show)\b",
        r"\bwin for you\b",
        r"\bsatisf",
        r"\bbest case\b",
        r"\bwork for you\b",
        r"\bgood result\b",
        r"\bhappy with\b",
    ),
    "stakeholders": _any(
        r"\bwho else\b",
        r"\byour (?:boss|team|board|director|manager|leadership|family|partner|staff|people|colleagues|ceo|members)\b",
        r"\bstakeholder",
        r"\b(?:seen|judged|viewed|measured|evaluated) (?:by|on)\b",
        r"\breport(?:ing)? (?:to|up)\b",
        r"\banswer to\b",
        r"\bwho(?:'s| is| are)? (?:watching|involved|deciding|judging|affected)\b",
        r"\b(?:watching|internally|upstairs)\b",
        r"\b(?:communicated|promised|announced) to\b",
        r"\bwho\b.{0,40}\b(?:judge|decide|sign off|approve|watch|weigh in)",
        r"\b(?:family|board|shareholders|partners|colleagues|others|staff|owners)\b.{0,30}\b(?:see|view|react|think|feel|judge|say)\b",
    ),
    "feelings": _any(
        r"\bhow (?:do|did|does|are) (?:you|it|that|this) feel",
        r"\bhow (?:are|were) you feeling\b",
        r"\bexperience\b",
        r"\bhow has (?:this|it|that) been\b",
        r"\breact(?:ed|ion)?\b",
        r"\b(?:they|you) expect\b",
    ),
    "understanding": _any(
        r"\bhelp me understand\b",
        r"\bwalk me through\b",
        r"\btalk me through\b",
        r"\btell me more\b",
        r"\bsay more\b",
    ),
}

THREAT = _any(
    r"\bor else\b",
    r"\b(?:we|i)(?:'ll| will| are going to|'re going to|'m going to) (?:walk|go elsewhere|take (?:our|my) business|"
    r"cancel|sue|escalate this|report you|find someone else|find another|leave|terminate|pull out|go public)\b",
    r"\byou(?:'ll| will) (?:regret|be sorry|lose (?:us|this|the))\b",
    r"\b(?:lawyers?|legal action|sue you|see you in court|court)\b",
    r"\b(?:go|switch|move) (?:to|with) (?:a |your |another )?competitor",
    r"\bfind another (?:supplier|vendor|candidate|partner|distributor|job|employer)\b",
    r"\b(?:we|i) (?:can|could) (?:easily )?(?:replace you|go elsewhere)\b",
)
ULTIMATUM = _any(
    r"\btake it or leave it\b",
    r"\bfinal offer\b",
    r"\blast offer\b",
    r"\bnon-?negotiable\b",
    r"\bnot (?:up for )?negotia(?:ble|tion)\b",
    r"\blast chance\b",
    r"\bor (?:we're|we are|i'm|i am) (?:done|out|leaving|walking)\b",
    r"\bor the deal(?:'s| is) off\b",
    r"\bend of (?:discussion|story)\b",
    r"\bno more (?:discussion|talk)\b",
    r"\b(?:accept|sign|agree)(?: it| this)? (?:now )?or\b",
    r"\bthat(?:'s| is) my (?:last|final) word\b",
    r"\b(?:is|are) final\b",
)
INSULT = _any(
    r"\b(?:ridiculous|absurd|stupid|idiot(?:ic)?|pathetic|incompetent|clueless|greedy|insane|crazy|laughable|"
    r"nonsense|useless|liars?|lying|moron(?:ic)?|dumb|amateur(?:s|ish)?|rubbish|garbage|shameful|a joke|"
    r"unprofessional|disgrace(?:ful)?|bullshit|crap)\b",
)
DISMISSIVE = _any(
    r"\bnot my problem\b",
    r"\b(?:that's|that is|it's) your problem\b",
    r"\bi (?:don't|do not|couldn't|could not) care\b",
    r"\bwho cares\b",
    r"\bwhatever\b",
    r"\b(?:doesn't|does not) matter what you\b",
    r"\b(?:that's|that is) irrelevant\b",
    r"\bget over it\b",
    r"\bdeal with it\b",
    r"\bstop (?:whining|complaining|wasting)\b",
    r"\bnot interested in (?:your|hearing)\b",
    r"\bspare me\b",
    r"\bshut up\b",
    r"\bhow dare you\b",
    r"\blisten to me\b",
)
SPLIT = _any(
    r"\bsplit (?:the|it|that) (?:difference|down the middle)\b",
    r"\bsplit the difference\b",
    r"\bmeet (?:you |each other )?(?:in the middle|halfway|half way)\b",
    r"\bhalfway\b",
    r"\bhalf way\b",
    r"\bfifty[- ]fifty\b",
    r"\b50 ?(?:/|-) ?50\b",
    r"\bsomewhere in the middle\b",
    r"\bsplit it\b",
)
ACKNOWLEDGE = _any(
    r"(?<!n't )(?<!not )(?<!never )\b(?:i|we) (?:completely |fully |really |totally |do )?(?:understand|hear you|see (?:why|that|how|where|what)|"
    r"appreciate|get (?:it|that|why)|respect|recogni[sz]e|can see|can imagine)\b",
    r"\bthat makes sense\b",
    r"\bfair (?:point|enough|concern|question)\b",
    r"\bgood (?:point|question)\b",
    r"\b(?:it )?sounds like\b",
    r"\bthat must (?:be|have been)\b",
    r"\bthank(?:s| you) for\b",
    r"\byou(?:'re| are) right\b",
    r"\b(?:that's|that is) (?:a )?(?:reasonable|understandable|valid|legitimate)\b",
    r"\bi(?:'m| am) (?:sorry|so sorry)\b",
    r"\bi apologi[sz]e\b",
    r"\b(?:that's|that is|that was) on us\b",
    r"\bwe (?:let you down|dropped the ball|got (?:it|that|this) wrong)\b",
)
JOINT = _any(
    r"\bwe both\b",
    r"\bboth of us\b",
    r"\bboth (?:sides|teams|companies)\b",
    r"\btogether\b",
    r"\blet's (?:figure|work|find|explore|look|think|see|map|build)\b",
    r"\bwork (?:this|it|something) out\b",
    r"\bfind a way\b",
    r"\bworks? for (?:both|each|all) of us\b",
    r"\bworks for you and (?:for )?(?:me|us)\b",
    r"\bjointly\b",
    r"\bour shared\b",
    r"\bcommon ground\b",
    r"\bsolve (?:this|it) (?:with you|together)\b",
)
TRANSPARENT = _any(
    r"\bto be (?:completely |fully |totally )?(?:open|transparent|honest|frank|upfront|candid|straight)\b",
    r"\b(?:i'll|i will|let me) be (?:completely |fully )?(?:open|transparent|honest|frank|upfront|straight|candid)\b",
    r"\b(?:our|my) (?:constraint|limit|budget|situation|concern|pressure|deadline|target|problem|challenge|"
    r"ceiling|floor|mandate|margin|costs?|capacity)s? (?:is|are|was|were)\b(?! final)",
    r"\bon (?:my|our) (?:side|end)\b",
    r"\bwhat i can(?:'t| not)? (?:do|offer|promise)\b",
    r"\b(?:i|we)(?:'m| am|'re| are) (?:limited|constrained|under pressure|measured on|accountable for|stretched)\b",
    r"\bi have to (?:answer|report|hit|justify)\b",
    r"\bmy (?:boss|manager|director|ceo|board)\b",
    r"\bhere(?:'s| is) (?:where (?:i|we) stand|what (?:i|we)(?:'m| am|'re| are) (?:working|dealing) with)\b",
    r"\bthe reason (?:i|we)\b",
    r"\bi(?:'ll| will) show you (?:our|my|the) (?:numbers|costs|figures|books|plan)\b",
    r"\b(?:i|we) (?:can't|cannot) go (?:below|above|beyond) .{1,40} because\b",
)
PROMISE = _any(
    r"\btrust me\b",
    r"\bi promise\b",
    r"\bi guarantee\b",
    r"\bbelieve me\b",
    r"\byou have my word\b",
    r"\bi swear\b",
    r"\bwe(?:'ll| will) never let you down\b",
)
# An open question about the other person's own view, wants or experience probes interests
# unless it only asks for a term of the deal (a number, a date).
PERSPECTIVE = _any(
    r"\b(?:you|your)\b.*\b(?:want|wanted|expect|expected|like|feel|felt|see|saw|think|hope|prefer|find|found|handle|handled|"
    r"lead|react|reacted|view|viewed|vision|relationship|experience|mind|picture|imagine|learn|learned|brought in|"
    r"responsible|hear|heard|worked|work with|went|go|approach|teach|taught|describe)\b",
    r"\bhow (?:should|could|can|would) (?:we|i)\b.*\byou\b",
    r"\b(?:was it|is it|has it been) like\b",
)
DETAIL = _any(
    r"\b(?:price|pricing|budget|cost|costs|number|figure|discount|percent|percentage|rate|salary|date|deadline|timeline|"
    r"amount|quantity|volume|fee|fees|terms)\b",
    r"\bhow (?:much|many|soon|long)\b",
    r"^when\b",
)
PROPOSAL = _any(
    r"\bwhat if (?:we|i|you|your|our|the)\b",
    r"\bhow about\b",
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
)
EXPLORING = _any(
    r"\bwhat if\b",
    r"\bhow would it work if\b",
    r"\bwould it help if\b",
    r"\bsuppose (?:we|i)\b",
    r"\bimagine (?:we|if)\b",
)
# Acronyms that are written in capitals without shouting.
ACRONYMS = frozenset(
    [
        "I",
        "OK",
        "CEO",
        "CFO",
        "CTO",
        "COO",
        "VP",
        "HR",
        "IT",
        "QA",
        "UK",
        "US",
        "EU",
        "USA",
        "API",
        "SLA",
        "KPI",
        "ROI",
        "RFP",
        "NDA",
        "PO",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "AM",
        "PM",
        "ASAP",
        "FYI",
    ]
)
