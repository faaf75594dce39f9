"""Patterns for the tone of a message: hostility, undervaluing, splitting, warmth, openness, promises."""

from __future__ import annotations

import re

from simulator.text import any_of

THREAT = any_of(
    # "…or else!" threatens; "I need water or else I dehydrate" explains a need.
    r"\bor else\s*[!.]*$|\bor else (?:you|u|your|there will be|we(?:'ll| will) (?:walk|go|take|cancel|sue))\b",
    r"\b(?:we|i)(?:'ll| will| are going to|'re going to|'m going to) (?:walk|go elsewhere|take (?:our|my) business|"
    r"cancel (?:the|this|our|my) (?:deal|order|contract)|sue|escalate this|report you|find someone else|find another|"
    r"leave(?! (?:it|that|this|the \w+|you|up|all|some|one|two|three|\d))|terminate|pull out|go public)\b",
    r"\byou(?:'ll| will) (?:regret|be sorry|lose (?:us|this|the))\b",
    r"\b(?:lawyers?|legal action|sue you|see you in court|court)\b",
    r"\b(?:go|switch|move) (?:to|with) (?:a |your |another )?competitor",
    r"\bfind another (?:supplier|vendor|candidate|partner|distributor|job|employer)\b",
    r"\b(?:we|i) (?:can|could) (?:easily )?(?:replace you|go elsewhere)\b",
)
ULTIMATUM = any_of(
    r"\btake it or leave it\b",
    # Lookbehinds after the words, so that they are only tried where the words are.
    r"\bfinal offer\b(?<!submit the final offer)(?<!send the final offer)(?<!make the final offer)(?! (?:i|you|we) (?:made|gave|sent|had))",
    r"\blast offer\b(?<!your last offer)(?<!the last offer)|\bthe last offer\b(?! (?:i|you|we) (?:made|gave|sent|had|suggested))",
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
INSULT = any_of(
    # "like crazy" is an idiom; "my laptop is useless" describes one's own things.
    r"\b(?:ridiculous|absurd|stupid|idiot(?:ic)?|pathetic|incompetent|clueless|greedy|insane|crazy|laughable|"
    r"nonsense|useless|liars?|lying|moron(?:ic)?|dumb|amateur(?:s|ish)?|rubbish|garbage|shameful|a joke|"
    r"unprofessional|disgrace(?:ful)?|bullshit|crap)\b(?! (?:busy|hard|good|fast|cold|hot|expensive)\b)",
)
# Insult words about one's own things ("most of my stock got wet and is useless") or in an idiom ("like crazy").
OWN_THING = re.compile(r"\b(?:my|our|mine|ours)\b(?:(?!\b(?:you|your|u)\b)[^.!?])*$|\blike\s*$", re.I)
DISMISSIVE = any_of(
    r"\bnot my problem\b",
    r"\b(?:that's|that is|it's) your problem\b",
    r"\bi (?:don't|do not|couldn't|could not) care (?:about (?:your|you|what you|how you|if you|whether you)|what you|if you|how you|less)\b",
    r"\bi (?:don't|do not) care\s*[.!]*$",
    r"\bwho cares\b",
    r"^whatever\b|\bwhatever\s*[.!]*$|,\s*whatever\b",
    r"\b(?:doesn't|does not) matter what you\b",
    r"\b(?:that's|that is) irrelevant\b",
    r"\bget over it\b",
    r"\bdeal with it\b",
    r"\bstop (?:whining|complaining|wasting)\b",
    r"\bnot interested in (?:your|hearing)\b",
    r"\bspare me\s*(?:the (?:\w+ )?(?:details|excuses|speech|lecture|story|drama|sob story)|your (?:excuses|speech|lecture|story|drama)|[.!]|$)",
    r"\bshut up\b",
    r"\bhow dare you\b",
    r"\blisten to me\b",
)
UNDERVALUE = any_of(
    r"\b(?:is|are|it's|its|that's|thats) (?:just |only )?(?:for )?extra(?=\s*(?:[.,;!?)]|$|anyway|though|for\b|stuff|supplies))",
    r"\byour (?:basic |own )?(?:supplies|basics|stock|resources) (?:should|will|would) (?:keep|be)\b",
    r"\byou (?:might|could|can) (?:then |also |just )?(?:purchase|buy|order|source) (?:extra|more|some|it|them)\b",
    r"\b(?:you|u|they|your \w+) (?:could|would|can|will) probably (?:hunt|fish|find|get|catch|buy|manage|cope)\b",
    # Presuming they need little: "I thought you didn't need it", "I was under the impression you had plenty".
    r"\bi (?:thought|assumed|figured|guessed|was hoping|hoped|was under the impression|got the impression) (?:that )?(?:you|u)(?:'d| would)? "
    r"(?:didn't|did not|don't|do not|dont|wouldn't|won't|had no|have no|don't have the|didn't have the|only|already|had plenty|have plenty|had enough|have enough)\b",
    # Holding them to what they said they could do without.
    r"\byou (?:said|told me|mentioned|stated|admitted|claimed) (?:that )?(?:you )?(?:didn't|did not|don't|do not|dont|only|wouldn't|had plenty|have plenty|had enough|have enough)\b",
    r"\b(?:doesn't|does not|don't|do not) (?:sound|seem|look) like .{0,30}\b(?:necessary|needed|important|a priority)\b",
    r"\benough to keep you\b",
    r"\bif (?:you|your \w+) (?:has|have) other (?:\w+ )?(?:options|sources|ways)\b",
    r"\byou have (?:\w+ ){0,5}(?:in|with) your (?:basic|basics|own)\b",
    r"\b(?:you|u) (?:probably |really |surely |likely |obviously )?(?:don't|do not|dont|won't|will not|wont|wouldn't|shouldn't|shouldnt) (?:really |even |actually |probably )?(?:need|use|miss)\b",
    r"(?:^|[,;:]\s*|\b(?:but|so|and|well|hmm|ok|okay)\s+)(?:are you sure|do you really|do you even|do you honestly|will you really|will you even|would you really) (?:you )?(?:need|be using|use|going to use)\b",
    r"\b(?:do|will|would) you (?:really |actually |even )(?:need|use|be using) all\b",
    # "How many reports can one team read?": a question that says the need is too big.
    r"\bhow (?:much|many) (?:\w+ )?(?:can|could|does|do|would) (?:one person|one team|anyone|a person|a single \w+|you (?:really|possibly|even)) (?:\w+ )?(?:eat|drink|use|need|read|burn)\b",
    r"\b(?:you|u)(?:'ll| will| should| would)? (?:probably |surely |likely |definitely |still |already )?(?:have|get) (?:plenty|enough|more than enough)\b",
    r"\byou(?:'ll| will| would|'d)? (?:also |still |easily )?be able to (?:cook|make|get|find|buy|catch|hunt|fish|boil|purify|manage|stay|use|collect|gather)\b",
    r"\byou (?:could|can) always\b",
    r"\byou (?:can|could) use (?:your|the) (?:extra|own|spare)\b",
    r"\b(?:can|could) you (?:not )?(?:hunt|fish|catch|forage|gather|boil|buy|find|get more|collect|purify)\b",
    r"\b(?:doesn't|does not|don't|do not) (?:seem|sound) (?:to be )?(?:like )?(?:a )?(?:priority|important|necessary|needed) (?:for|to) (?:you|u)\b",
    r"\bwith (?:the|all the|all that) (?:extra )?\w+ (?:you(?:'re| are)? )?(?:getting|you get|you got|you have|you(?:'ve| have) got)\b",
    # Pointing at what they already have: "you already have lots of stock", "at least you will have help".
    r"\b(?:you|u)(?<!hope you)(?<!wish you)(?:'ll| will| would|'d)? (?:already |still |also )?(?:have|get|got|are getting|'re getting|be getting) (?:a lot of|lots of|plenty of|so much|loads of|tons of|more than enough)\b(?! (?:fun|luck|time|success|joy)\b)",
    r"\bat least (?:you|u)(?:'ll| will| would|'d)? (?:still |already )?(?:have|get|got|be)\b",
    # Telling them what their priority should be.
    r"\b(?:should|must) be your (?:top |main |first |highest |real )?(?:priority|focus)\b",
    # Comparing needs: theirs are for leisure, ours for survival.
    r"\b(?:you|u)(?:'re| are)? (?:only |just |mainly |mostly )?(?:need|want|using|use)\w* (?:it|them|that|the \w+|\w+) (?:for|as) (?:fun|leisure|comfort|convenience|luxury|a luxury|show|extra|nothing)\b",
    r"\b(?:whereas|while|but) (?:i|we) (?:really |actually |seriously |truly )?need (?:it|them|that|the \w+|\w+) (?:for|to) (?:survival|survive|live|my health|our health|medical)\b",
    # Their hardship is small: "moving the date won't be that hard for you".
    r"\b(?:that|it|this) (?:won't|will not|wouldn't|shouldn't) be (?:too|that|so) (?:bad|hard|difficult|much of a problem)\b",
    r"\b(?:won't|will not|wouldn't|shouldn't|can't) be (?:too |that |so |very )?(?:bad|hard|difficult|much of a problem) for (?:you|u|your)\b",
    r"\b(?:bring|use|buy|source|supply) (?:your|their|her|his) own\b",
    r"\b(?:will|would) (?:help|keep) you (?:stay )?(?:warm|full|fed|going|hydrated)\b",
    r"\byou seem (?:like|to be) (?:a |an )?(?:great|good|experienced|capable|resourceful)\b",
    r"\b(?:you|u) (?:already|still) (?:have|got|get)\b",
    r"\b(?:you|u) (?:can|could|should) (?:always |easily |just |probably |simply )?(?:catch|hunt|fish|boil|buy|find|gather|collect|forage|purify|filter|chop|borrow|rent|grab|pick up|get (?:more|some|it|them) (?:elsewhere|somewhere|later|from))\b",
    r"\b(?:you|u) (?:can|could) (?:always|easily|just) (?:get|go|use|make|do without|manage)\b",
    r"\bthere(?:'s| is| are| should be) (?:a |an |plenty of |lots of |loads of )?(?:\w+ ){0,2}(?:nearby|around|close by|everywhere|available (?:there|nearby))\b(?=.*\byou)",
    r"\b(?:didn't|did not|don't|do not) you (?:bring|have|own|get)\b",
    r"\bi need (?:it|them|this|that|the \w+) (?:more|way more|much more|far more) than (?:you|u)\b",
    r"\b(?:my|our) needs? (?:is|are) (?:greater|bigger|more important)\b",
    r"\b(?:you'll|you will|you'd|you would|u will) (?:be|manage|survive|cope) (?:just )?(?:fine|ok|okay|alright) without\b",
    r"\bwithout (?:it|them|that|those) (?:you'll|you will|you'd) be fine\b",
    r"\b(?:it's|its|it is) (?:only|just) (?:a|one|for a) (?:weekend|night|day|few days|short)\b",
    r"\bthat(?:'s| is) (?:a bit |way |far )?(?:too much|a lot|excessive|more than enough) for (?:you|u|one person|just you)\b",
    r"\b(?:won't|will not|wont) (?:even )?(?:notice|need it|miss it|use it)\b",
    r"\b(?:you|u) (?:are|re|'re) being (?:unreasonable|greedy|selfish|difficult)\b",
)
SPLIT = any_of(
    r"\bsplit (?:the|it|that) (?:difference|down the middle)\b",
    r"\bsplit the difference\b",
    r"\bmeet (?:you |each other )?(?:in the middle|halfway|half way)\b",
    r"\bhalfway\b",
    r"\bhalf way\b",
    r"\bfifty[- ]fifty\b",
    r"\b50 ?(?:/|-) ?50\b",
    r"\bsomewhere in the middle\b",
    r"\bsplit (?:it|that|this|them|everything) (?:evenly|equally|in half)\b",
)
ACKNOWLEDGE = any_of(
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
JOINT = any_of(
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
TRANSPARENT = any_of(
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
PROMISE = any_of(
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
