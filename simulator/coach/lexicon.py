"""Patterns the rule coach reads messages with; our own phrasing, tuned on no data set."""

from __future__ import annotations

import re

from simulator.text import any_of

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
OPEN_REQUEST = any_of(
    r"\bhelp me understand\b",
    r"\bwalk me through\b",
    r"\btalk me through\b",
    r"\btell me (?:a (?:bit|little) )?(?:more|about|what|how|why|where|a bit|a little)\b",
    r"\bi(?:'d| would) like to know\b",
    r"\bcan you tell me\b",
    r"\bcould you tell me\b",
    r"\bi(?:'d| would) (?:love|like) to (?:hear|know|understand|learn)\b",
    r"\bi(?:'m| am) (?:very |really |just |quite )?curious\b",
    r"\bcurious (?:as to|about|what|how|why|to know)\b",
    r"\bi (?:always |often |just )?wonder(?:ed)?\b",
    r"\bi(?:'m| am| was| have been|'ve been) (?:just |really |always )?wondering (?:if|whether|what|why|how|when|where|who|which|about)\b",
    # "Say more about that", "Could you share a bit more?"; not "no need to share more".
    r"(?:^|[,.!:;]\s*|\b(?:can|could|would|will) you (?:please )?|\bplease )(?:say|share|tell us) (?:a (?:bit|little) |some )?more\b",
    r"\bfill me in\b|\btalk to me about\b|\b(?:keen|eager|dying) to hear\b",
    # The speaker wants to know; "if you'd like to learn more, see the site" offers information instead.
    r"\b(?:i|we)(?:'m|'re| am| are|'d| would| really| just| also| still| do)* (?:\w+ )?(?:trying|want|wanted|like|need) to "
    r"(?:understand|know|find out|learn)\b",
    r"^(?:trying|wanting|hoping) to (?:understand|know|find out|learn)\b",
    r"\bcan you (?:go into|elaborate|expand|clarify|say more|give me (?:more|some))\b",
    r"\bplease (?:explain|elaborate|tell me|describe|share|clarify)\b",
    r"\bgive me (?:some |a few |more )?(?:reasons|details|information|info|examples)\b",
    r"\bi(?:'d| would) (?:like|love|need|want) (?:some |a bit |a little )?(?:more )?(?:information|info|details)\b",
    r"\b(?:interested|keen|eager|happy) to (?:hear|know|learn) more\b",
    r"\btell me (?:as much as|everything|anything)\b",
    r"^(?:can you |could you )?elaborate\b",
    r"^(?:describe|explain)\b",
    r"\bcan you (?:describe|explain|share)\b",
)
LEADING_FILLER = re.compile(
    r"^(?:(?:so|and|but|ok|okay|well|then|now|right|alright|also|just|honestly|out of curiosity|sure|yes|yeah|great|cool|oh|ah|hmm+|um+|uh|wow|"
    r"awesome|nice|perfect|hi|hello|hey|thanks|thank you|if i may|may i ask|can i ask|let me ask)[,!.\s]+)+",
    re.I,
)
PLEASANTRY = any_of(
    r"\b(?:how(?: are|'re| r) (?:you|u|ya|things)(?: doing| doin'?| going| feeling| keeping)?|how(?:'s| is) (?:it going|your (?:day|week|morning|evening|weekend|night)|"
    r"everything|(?:your )?life|the weather(?: \w+){0,3})|how was your (?:weekend|day|trip|morning|week|holiday|night)|how have you been|"
    r"how do you do|what(?:'s| is) up|(?:are )?you (?:doing )?(?:ok|alright|well)|what (?:are|have) you (?:been )?up to|"
    r"(?:i )?hope you(?:'re| are) (?:doing )?(?:well|fine|good|ok|okay|alright)|are you having an? (?:good|nice|great|lovely) (?:day|week|weekend|morning|evening))"
    r"(?: (?:in|over|up|down|here|in today|in this morning|over here|over there|today|tonight|there|friend|my friend|this (?:morning|evening|afternoon)|doing today|so far|on this (?:fine|lovely|beautiful|nice) "
    r"(?:day|morning|afternoon|evening)|these days|lately))?\s*[?!.]*\s*$",
    r"^(?:hi|hello|hey)(?: there)?\s*[?!.]*$",
    r"^i(?:'m| am) (?:good|fine|great|well|ok|okay|alright|doing (?:well|good|great|fine|ok|okay))\b.{0,25}\b(?:you|yourself|u)\s*[?!.]*$",
    r"^(?:can't complain|not bad|pretty good|very well)\b.{0,20}\b(?:you|yourself|youreslf|u)\s*[?!.]*$",
)
# Questions about their life away from the deal (tastes, pastimes, plans, home town): real questions, which the
# questions criterion counts by their form, though they probe no interest in the deal.
CHAT_QUESTION = any_of(
    # Small talk about free time: "any plans for the weekend?"
    r"\b(?:any|your|got|have (?:any|you got)) (?:fun |exciting |big |special |nice )?plans (?:for|this|over) (?:the )?"
    r"(?:weekend|holiday|holidays|summer|evening|tonight|today|day|week|break)\b",
    # Small talk about their life away from the deal: tastes, pastimes, pets, meals, home town.
    r"\b(?:your|ur) (?:favou?rite|fave) \w+",
    r"\b(?:what|which) (?:kind of |sort of |type of )?(?:films?|movies?|music|bands?|songs?|books?|tv|shows?|sports?|games?|"
    r"(?:football|soccer|baseball|basketball|hockey|rugby|cricket)(?: teams?| clubs?)?|hobbies|pastimes|coffee|tea|cuisine) "
    r"(?:do|did|are|have) (?:you|u)\b"
    r"(?! (?:need|want|require|expect|plan|use|sell|offer|make|supply|stock|carry|order|buy)\b)",
    r"\b(?:any|your|got any|have (?:any|you got)) (?:hobbies|pets|pastimes)\b|\bdo you have (?:any )?(?:pets|a dog|a cat|hobbies)\b",
    r"\b(?:did|do) you (?:watch|see|catch) (?:the|last night's) (?:match|game|race|fight|final|show|episode)\b",
    r"\bwhat (?:did|do|are) you (?:have|having|eat|eating) for (?:breakfast|lunch|dinner|supper)\b",
    r"\bwhere (?:are|r) (?:you|u) (?:from|based|located)\b|\bwhere did you (?:grow up|go to school|study)\b",
    r"\bwhere do you live\b|\bhow long have you lived\b",
    r"\bhow was (?:your|the) (?:weekend|trip|holiday|holidays|vacation|summer|flight|journey|drive)\b",
)
ANYTHING_ELSE = re.compile(r"^(?:and )?(?:anything|something|anyone|anybody) else\b", re.I)
# "So, tell me, how are things going?": asked for, the greeting formula becomes a real question.
ASKING_LEAD = re.compile(
    r"^(?:tell me|i(?:'m| am| was) (?:just |really )?wondering|i(?:'d| would) (?:love|like) to (?:hear|know))\b", re.I
)
# Answers to "how are you?" that make a following "and you?" a pleasantry too.
PLEASANTRY_ANSWER = re.compile(
    r"^(?:i(?:'m| am) |am |im )?(?:good|fine|great|well|ok|okay|alright|doing (?:well|good|great|fine|ok|okay)|not bad|pretty good|"
    r"can't complain|very well)\b",
    re.I,
)
# A question that only checks agreement with what is on the table.
CONFIRMATION = re.compile(
    r"^(?:(?:is|does|would|will|did|do|can) (?:that|this|it|everything) (?:work|sound|seem|look|suit|okay|ok|fair|correct|right|"
    r"acceptable|alright|good|fine|agreeable|make sense|be (?:ok|okay|alright|fine|acceptable|good|fair))\b.{0,30}|"
    # "Would two crates and a later date work for you?", "That work for you?": checks on terms, not on their needs.
    r"(?:(?:would|will|does|do|could|can|might) .{1,80}? (?:work|suit|be (?:ok|okay|acceptable|fine|good|alright)) (?:for|with) (?:you|u)|"
    r"(?:that|this|it|which) (?:work|works|suit|suits)(?: (?:for|with) (?:you|u))?)(?: guys| all| both)?(?:,? (?:then|friend|too|as well))?|"
    r"(?:are|would) you (?:be )?(?:still )?interested|(?:so )?do i have your (?:commitment|agreement|word|approval|go-ahead|ok|okay)\b.{0,40}|"
    r"(?:so )?(?:can )?i (?:can )?(?:count|rely) on you\b.{0,40}|(?:so )?(?:can|may) i (?:conclude|assume|take it) that\b.{0,60}|"
    r"are you (?:ok|okay|good|happy|fine|alright|comfortable|satisfied) with (?:that|this|it|the (?:deal|offer|terms|split)|"
    r"(?:this|that|these|those) (?:deal|offer|terms|split))\b.{0,20}|"
    r"what do you think (?:of|about) (?:this|that|my|the|our) (?:offer|proposal|deal|idea|plan|split|arrangement|counter ?offer)\b.*|"
    # "Isn't that great?": asks for agreement, not for information.
    r"(?:isn't|wasn't|aren't|ain't) (?:that|it|this|they|those|these) (?:just |so |really |pretty |truly )?\w+|"
    r"i thought (?:you|u)\b.{0,60}|"
    r"(?:sounds?|seems?|looks?) (?:good|fair|ok|okay|right|reasonable|like a deal)\b.{0,12}|deal|agreed|ok(?:ay)?|right|correct|"
    r"are you (?:absolutely |really |quite )?sure\b.{0,40}|"
    r"fair enough|fair|yes|no|really|you there|are you (?:still )?there|any thoughts|thoughts|"
    r"what do you say|what do you think (?:of|about) (?:my offer|the offer|that offer|this offer|my proposal|the deal|this deal)|"
    r"how(?:'s| does| do| would) .{1,80}? sound(?: (?:to|for) (?:you|u))?|(?:can|could|shall) we (?:agree|do that|make (?:a|that) deal)(?: on that)?|"
    r"is (?:that|it) (?:a )?deal|do we have a deal|(?:would|do) you agree(?: to (?:that|this|these terms|the deal))?|"
    r"(?:is that|are we) (?:all )?(?:good|settled|clear)|right|isn't it|don't you think|you know)\s*[?!.]*\s*$",
    re.I,
)
# Offers and requests phrased as questions: proposals, not questions that seek understanding.
OFFER_QUESTION = any_of(
    r"\b(?:you(?:'d| would)?|you are|are you|would you be|you'd be) (?:be )?(?:willing|prepared|ready|able|in a position) to (?:\w+ )?(?:donate|give|make|pledge|contribute|help|part|spare|accept|agree|pay|sign|commit|do|"
    r"lend|provide|support|fund|chip in|kick in|cover|offer|go|move|throw in|share|trade|swap)\b",
    r"\b(?:do you|you) (?:also |still |maybe |perhaps |then )?(?:want|wanna) (?:to )?(?:also )?(?:donate|give|help|make|contribute|pledge|take|trade|swap|do|"
    r"chip in|kick in|join|sign|accept|go with|split|share)\b",
    r"^(?:would|are|will) you (?:be )?(?:interested in|open to|up for|keen on) (?:a |an |the |some |that\b|this\b|it\b|\w+ing\b)",
    r"^do you think (?:that )?(?:you|u)(?:'ll| will| would| could| might| can)(?: be able to| like to| want to| consider| possibly| \w+ to)? "
    r"(?:donate|give|help|make|contribute|pledge|pay|spare|accept|agree|sign|commit|do|lend|offer|go|move|come down|meet|cover)\b",
    r"^(?:can|could|may|shall) (?:i|we) (?:count you in|count on you|rely on you|put you down|sign you up)\b",
    # "Do you want the firewood if I take the water?": a conditional offer.
    r"\bif (?:i|we) (?:take|get|give|keep|have|offer|send|pay|throw in|add|include|drop|cover|move|extend|knock)\b",
    r"\b(?:something|anything) (?:that )?you (?:would|could|might) (?:be willing to |like to |possibly )?(?:do|consider|give)\b",
    r"^(?:would|will|can|could|won't|wont|wouldn't|might) you (?:(?:be )?(?:willing|able|open|interested|happy|ok|okay|prepared)(?: to)?|"
    r"like to|consider(?! yourself| yourselves)|please|possibly|maybe|kindly|perhaps|just|still|then|at least|try (?:to )?(?:even |just )?)?\s*(?:to )?(?:donate|give|take|accept|agree|do|"
    r"consider(?! yourself| yourselves)|spare|help|pay|sign|commit|contribute|make|send|let|trade|split|share|go|settle|throw|part|swap|exchange|offer|drop|"
    r"lower|come down|meet|reduce|match|cover|include|waive|allow|keep|sell|buy|move|extend|hold)\b",
    r"^how about (?:if )?(?:i|you|we|me|\$|\d|one|two|three|all|half|giving|taking|a |an |the |some|just)",
    r"^what about (?:if )?(?:i|we|me|\$|\d|one|two|three|all|half|giving|taking|a |an )\b",
    r"^(?:can|could|may|might) (?:i|we) (?:have|get|take|keep|ask you to|count on|offer|give|propose|suggest|donate|pay|send|pledge|do|interest you)\b",
    r"^(?:would you (?:also |still |maybe |perhaps |then )?like|do you (?:also |still |maybe |perhaps |then )?want) (?:a|an|some|to (?:donate|give|help|join|make|take|trade|be|spend|contribute|pledge|do|try|start|go|"
    r"check out|visit|look at|read|set up|sign up|see (?:the|our|their|a))\b)",
    # Offering to explain: "would you like to hear more about our support tiers?"
    r"^(?:would you (?:also )?like|do you want) to (?:know|hear|learn|see) (?:a (?:bit|little) )?more\b",
    r"\b(?:interested in|consider(?! yourself)|considered|thought about|thinking about) (?:donating|giving|contributing|making a donation|helping out|pledging)\b",
    r"^(?:would|will|is) (?:it|that) (?:be )?(?:ok|okay|alright|possible|acceptable|fine) (?:if|for me to|to)\b",
    r"^(?:any chance|is there any (?:way|chance) (?:you|i|we) (?:could|can|might))\b",
    r"^what if (?:i|we|you) (?:gave|give|took|take|got|get|had|have|keep|kept|split|offered|offer|paid|pay|throw|agreed|moved|move|"
    r"phase|spread|do|did|try|tried|add|added|lock|locked|each|both|just|made|make|start|started|swap|switch|trade|traded|go|went)\b",
    r"^(?:so )?(?:you|u) (?:get|take|give|keep|have|want|need|would get) .{0,40}\b(?:and|while) (?:i|we) (?:get|take|give|keep|have)\b",
    r"^how would you feel (?:if|about) (?:i|we|you|me|us) ",
    r"^how do you feel about (?:me|us|you|giving|taking|getting|each|splitting|trading|swapping|\d|one|two|three|all)\b",
    r"\bor should (?:i|we)\b",
)
# "What do you think?" right after an offer checks the offer; it does not explore their side.
CHECK_AFTER_OFFER = re.compile(
    r"^(?:what do you (?:think|say|reckon)|how do you feel about (?:that|this|it)|how does (?:that|this) (?:sound|look|feel)|"
    r"(?:(?:would|will|does|could) )?(?:that|this|it) (?:work|works|be (?:ok|okay|acceptable|fine|good))(?: for you)?|"
    r"what(?:'s| is) your (?:opinion|take|view)|"
    r"(?:is|would) (?:that|this) (?:ok|okay|acceptable|fine|good|fair)(?: (?:for|with) you)?|what are your thoughts|"
    r"any (?:thoughts|objections)|are you (?:ok|okay|good|happy|fine) with (?:that|this|it))\b",
    re.I,
)
WHEN_WHERE = re.compile(r"^(?:when|where|by when|what time|what date)\b", re.I)
YOU = re.compile(
    r"^\w+(?:n't)? (?:you|u|they|it|this|that|there|he|she|we|i|the|your|their|any|anyone|anything|someone)\b", re.I
)
# A wh-question typed without its question mark: the wh-word followed by an auxiliary ("what is", "how do"),
# not a subordinate clause ("when I get paid, …", "I'll explain why donating helps") or an exclamation ("how nice").
WH_UNMARKED = re.compile(
    r"^(?:what|why|how|where|when|who|which)(?:'s|'re|'d|'ll|\s+(?:is|are|was|were|am|do|does|did|can|could|would|will|should|shall|"
    r"have|has|had|kind of|sort of|type of|much|many|long|often|far|else|exactly|percentage|part|amount)\b|"
    # "which item do you…", "what other options would you…"
    r"(?:\s+(?!(?:i|we|they|he|she|it|you)\b)\w+){1,2}\s+(?:do|does|did|is|are|was|were|would|will|can|could|should|have|has)\s+"
    r"(?:you|u|they|we|i|it|he|she|your|their)\b|"
    # "what worries you about it", "what brought you here", "what happens if it slips": the wh-word is the subject
    # and a plain verb follows. A copula later makes it a statement ("what worries me is the price").
    r"(?=(?:(?!\b(?:is|was|are|were)\b).)*$)"
    r"\s+(?:else\s+)?(?:\w+(?:s|ed)|made|brought|kept|got|took|led|drove|gave|went|came)\s+"
    r"(?:(?:to|for|about)\s+)?(?:you|u|your)\b|"
    r"(?=(?:(?!\b(?:is|was|are|were)\b).)*$)"
    r"\s+(?:happens|happened|changed|changes|matters|(?:needs|has) to (?:happen|change))\s+(?:if|when|next|most|now|then|after|before|for|so)\b)"
    r"(?:\s+\S+){1,}",
    re.I,
)
# Checks on the conversation itself ("are you still there?", "how do we end this chat?"): they keep the channel
# working; they do not seek to understand the other side.
HOUSEKEEPING = any_of(
    r"\bhow (?:do|can|should|will) (?:we|i|you|u) (?:end|finish|close|exit|leave|submit|wrap up|get out of)\b(?! (?:up|with)\b)",
    r"\b(?:end|finish|close|exit|leave) (?:this|the) (?:window|tab|page|chat|call|task|hit|study|survey|conversation|session)\b",
    r"\b(?:can|could|do) you (?:see|hear|read) (?:this|me|my (?:message|screen|last)|what i (?:wrote|typed|sent))\b",
    r"\b(?:are|r) (?:you|u) still (?:there|here|with me|online)\b",
    r"\bhow long (?:are you going to|will you|do you) take to (?:respond|reply|answer|write)\b",
    r"\b(?:did|has) (?:my|the) (?:message|last message|reply) (?:come|go|get) through\b",
)
# ", which is great", ", who are in need": a relative clause after a comma describes; it does not ask.
RELATIVE = re.compile(
    r"^(?:which|who|whom|whose)\b(?!(?:\s+\w+){0,2}\s+(?:do|does|did|is|are|was|were|would|will|can|could|should|have|has)\s+"
    r"(?:you|u|they|we|i|he|she)\b)",
    re.I,
)
# The subject of a yes/no question typed without its question mark: "do they help abroad", not "have the papers ready".
YOU_UNMARKED = re.compile(r"^\w+(?:n't)? (?:you|u|they|it|there|he|she|we|i|anyone|anything|someone)\b", re.I)
# "So do I", "Neither have we": agreement, not a question.
AGREE_ECHO = re.compile(
    r"^\W*(?:so|neither|nor) (?:do|did|am|have|has|can|could|would|will|was|is|are|should|had) (?:i|we)\b", re.I
)
# A tag that turns a statement into a check: "…, right?", "…, correct?".
CONFIRM_TAG = re.compile(
    r"(?:\b(?:right|correct|ok|okay|yes|no|yeah|agreed|true|isn't it|don't you think)|"
    r",\s*(?:don't|didn't|wouldn't|won't|aren't|can't) (?:you|they|we)|"
    r",\s*(?:could|would|can|does|did|is|was|will) it|\s(?:wouldn't|couldn't|can't|doesn't|didn't|wasn't|won't) it|"
    r"[,\s]you know(?<!do you know)(?<!did you know)(?<!dont you know)(?<!don't you know)(?<!what you know)|[,\s](?:huh|eh))\s*\?+\s*$",
    re.I,
)
# Offers the wh-form does not save: "how about…", "what if we…", "how would you feel if I…".
WH_OFFER = re.compile(
    r"^(?:how about (?!you\b|yours\b|yourself\b|(?:the|your|their|his|her|those|these|other|things|everything|anything)\b(?![^?]*\d))|what about (?:if |i |we |me |\$|\d|one |two |three |all |half |giving |taking |a |an )|"
    r"what if|how would you feel (?:if|about)|"
    r"how do you feel about (?:me|us|you|giving|taking|getting|each|splitting|trading|swapping|\d|one|two|three|all|if)\b|why don't we|"
    # "Why not phase it?", "Why don't you take the food?": suggestions.
    r"why not (?:just |simply )?(?:give|do|try|make|go|take|donate|help|put|split|meet|offer|use|add|start|consider|let|have|get|keep|move|"
    r"phase|spread|throw|pay|sign|agree|accept|share|swap|trade|extend|include|call|set|build|run|join|contribute|spend|send)\b|why (?:don't|dont|do not) (?:i|you (?:just )?(?:take|give|keep|have|get|propose|make|send|offer|pick|"
    r"choose|go|try|let|split|do|come|accept|agree)\b)|"
    r"what do you think (?:if|about (?:me|us|if|giving|taking|doing|trading|swapping|getting))\b)",
    re.I,
)
# Asking the same question back, right after stating one's own needs.
RECIPROCAL = re.compile(
    r"^(?:(?:and|so|what|how) (?:about|bout|abt) (?:you|u|yours|yourself|your side|your end)|(?:and )?(?:you|yours|yourself)|what(?:'s| is| are) yours|"
    # "We're flexible on timing. Are you?": the same question handed back.
    r"(?:and )?(?:do|did|have|would|are|will|can|could|don't|won't|were|is|does) (?:you|u|yours|your \w+)(?: too| as well| also| at all)?|"
    r"what else|anything else you need|"
    r"how about yourself|your turn|what(?:'s| is) your (?:situation|story|take|view|plan)|how (?:is|are) (?:it|things) (?:looking )?"
    r"(?:on|at|from) your (?:side|end)|how are things (?:looking )?(?:your way|on your (?:side|end)))\s*[?!.]*\s*$",
    re.I,
)
# "…, how about you?" at the end of a sentence that has no comma before it.
RECIPROCAL_TAIL = re.compile(
    r"(?:^|[\s,;:.!?-])(?:(?:and|so|what|how) (?:about|bout|abt) (?:you|u|yours|yourself)|and (?:you|u|yours|yourself))\s*[?!.]*\s*$",
    re.I,
)
# The short form that hands back a yes/no question: "Do you?", "Have you?".
ECHO_ASK = re.compile(
    r"^(?:and )?(?:do|did|have|would|are|will|can|could|don't|won't|were|is|does) (?:you|u|yours|your \w+)\b", re.I
)
# Talk of needs, priorities or constraints: after it, "and you?" asks about the other side's.
OWN_NEEDS = any_of(
    r"\b(?:need|needs|needed|needing|want|wants|wanted|prefer|preference|preferences|priority|priorities|prioriti[sz]e|important|"
    r"matters?|essential|crucial|critical|vital|a must|must-have|require|required|requirement|requirements|budget|deadline|"
    r"constraint|constraints|limit|short on|low on|running (?:low|out)|enough|plenty|(?:could|can) (?:really |definitely |also )?use|"
    r"would like|'d like|would love|'d love|hoping (?:for|to get)|looking for|worried|concerned|concern|concerns|most|least|highest|lowest)\b",
)
# Small talk: after a greeting, feelings, plans for the weekend or the weather, "how about you?" returns the courtesy.
SMALL_TALK = any_of(
    r"\b(?:hi|hello|hey|thanks|thank you|excited|exciting|fun|great|good|fine|well|awesome|wonderful|lovely|amazing|nice|"
    r"can't wait|looking forward|enjoy|enjoying|love|weekend|vacation|holiday|trip|weather|sunny|rainy|headed|heading|"
    r"from|live|living|been|doing|going|busy|tired)\b",
)
# The question is put to them: "how did you…", "what does your team…".
ADDRESSED = re.compile(r"\b(?:you|your|yours|yourself|u)\b", re.I)
# Why-questions that argue rather than ask.
RHETORICAL = any_of(
    r"(?:^|[,;:]\s*|^(?:so|but|and|well|for (?:example|instance)),?\s+)did you know\b",
    r"\bcan you (?:even )?imagine\b",
    r"\bcan you (?:even )?believe (?:that|it|this)\b",
    r"\bwho knew\b",
    r"^have you no\b",
    r"\b(?:aren't|won't|wouldn't) you (?:be )?(?:glad|happy|proud)\b",
    r"\bhow can (?:we|you|i|anyone|they) (?:just )?(?:sit|stand by|ignore|turn away|look away|say no to)\b",
    r"\bwhy (?:should|would|must) (?:i|you|we) (?:only )?(?:get|have|share|give|take|deserve|accept|settle)\b",
    r"\bwhy (?:should|would) (?:i|we) (?:\w+ )?(?:you|that|this|anything|even)\b",
    r"\bwhy (?:can't|won't|don't) you (?:just|simply)\b",
    r"\bwhy do you (?:think|believe) you (?:deserve|can|are)\b",
    r"\bwho do you think\b",
    r"\bare you (?:serious|kidding|joking)\b",
    r"\bwhat(?:'s| is) wrong with you\b",
    # Leading questions carry the answer they want: "Don't you agree this is fair?", "Surely you can see that?"
    r"(?:^|[,;]\s*)(?:surely|isn't it (?:obvious|clear)|can't you see|don't you (?:agree|think|see)|wouldn't you agree|"
    r"(?:you(?:'d| would)|would you not) agree)\b(?=.*\?)",
    r"\bwouldn't it be (?:smarter|wiser|more sensible|fairer|only fair|only right) (?:for you )?to (?:just )?"
    r"(?:accept|agree|take|sign|go with|give)\b",
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


# An option put as a question ("what if we phased it?", "how would it work if…"): in the later phases of a
# negotiation this explores; before their interests are known it is a proposal like any other.
OPTION_QUESTION = re.compile(
    r"^(?:(?:so|and|then|ok|okay|well|alright),?\s+)?(?:what if|how about|how would (?:it|that|this) work if|"
    r"would it help(?: you)? if|how would you feel (?:if|about)|suppose we|supposing we|imagine we)\b",
    re.I,
)
