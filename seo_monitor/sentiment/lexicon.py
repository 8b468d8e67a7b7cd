"""Healthcare vocabulary for VADER, complaint and praise phrases, and the topic taxonomy.

Everything here is written by hand for patient reviews in general (no single site's wording):
words that describe the patient's condition are not complaints about the practice, and the
phrases patients use to complain often carry no "negative" word at all ("waited an hour",
"never called back", "would not go back").
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

# Why patients came: in a review of a clinic these describe the condition, not the service.
# VADER scores them as strongly negative ("pain" -2.3), which turns "I came in with terrible
# back pain and left pain free" into a complaint. They keep a trace of their weight.
CONDITION_WORDS = [
    "pain",
    "painful",
    "hurt",
    "hurts",
    "hurting",
    "injury",
    "injured",
    "cancer",
    "sick",
    "anxiety",
    "anxious",
    "depression",
    "depressed",
    "scared",
    "nervous",
    "worried",
    "fear",
    "ill",
    "illness",
    "emergency",
    "stress",
    "stressful",
    "death",
    "died",
    "die",
    "cry",
    "crying",
    "tumor",
    "broken",
    "problem",
    "problems",
    "terrified",
    "dreading",
    "dreaded",
    "dread",
    "devastated",
    "embarrassed",
    "skeptical",
    "phobia",
    "fears",
    "severe",
    "excruciating",
    "agonizing",
]
CONDITION_DAMPING = 0.2

# "Terrible back pain", "awful migraines": how bad the condition was, said before the praise.
# The adjective is replaced by a neutral word before scoring, so only complaints about the
# practice read as complaints.
CONDITION_SEVERITY = re.compile(
    r"\b(?:terrible|horrible|horrendous|awful|severe|excruciating|unbearable|debilitating|"
    r"agonizing|crippling|chronic|constant|bad|worst|nasty)\s+(?=(?:\w+\s+){0,2}?"
    r"(?:pain|aches?|headaches?|migraines?|injury|injuries|sprain|sciatica|back|neck|knee|"
    r"shoulder|hip|ankle|toothache|tooth|acne|rash|anxiety|depression|cough|flu|infection|"
    r"vertigo|arthritis|cramps|case)\b)",
    re.IGNORECASE,
)
CONDITION_SEVERITY_WORD = "marked "
# The same pattern, case-sensitive, for lower-cased text: nearly three times faster, and on
# ASCII text it matches where CONDITION_SEVERITY does (its letters are all lower-case, and
# case-insensitive matching of ASCII is lower-casing). Not on other text: case-insensitive
# matching also takes a few other letters (the long s, the Kelvin sign) that lower() keeps.
CONDITION_SEVERITY_LOWERCASE = re.compile(CONDITION_SEVERITY.pattern)


def mark_condition_severity(text: str) -> str:
    """`text` with CONDITION_SEVERITY's adjectives replaced by CONDITION_SEVERITY_WORD."""
    if text.isascii() and CONDITION_SEVERITY_LOWERCASE.search(text.lower()) is None:
        return text  # nearly every review: nothing to replace
    return CONDITION_SEVERITY.sub(CONDITION_SEVERITY_WORD, text)


# Words VADER does not know or weighs too lightly for reviews of a practice.
DOMAIN_VALENCE: dict[str, float] = {
    "rushed": -1.6,
    "dismissive": -2.2,
    "dismissed": -1.6,
    "misdiagnosed": -2.5,
    "misdiagnosis": -2.5,
    "overcharged": -2.2,
    "overbilled": -2.2,
    "condescending": -2.2,
    "patronizing": -2.0,
    "belittled": -2.2,
    "unprofessional": -2.4,
    "disorganized": -1.8,
    "unorganized": -1.8,
    "unresponsive": -1.8,
    "uncaring": -2.2,
    "careless": -1.8,
    "negligent": -2.6,
    "negligence": -2.6,
    "incompetent": -2.4,
    "unhelpful": -1.8,
    "quack": -2.4,
    "waited": -0.6,
    "waiting": -0.3,
    "cancelled": -0.8,
    "canceled": -0.8,
    "thorough": 1.8,
    "thoroughly": 1.4,
    "knowledgeable": 1.8,
    "attentive": 1.8,
    "informative": 1.4,
    "professional": 1.4,
    "personable": 1.6,
    "accommodating": 1.6,
    "patient": 0.6,  # "very patient with my kids" more often than "as a patient"
    "listens": 1.2,
    "listened": 1.2,
    "gentle": 1.6,
    "painless": 1.8,
    "efficient": 1.4,
    "punctual": 1.4,
    "prompt": 1.2,
    "recommended": 0.8,
    "overpriced": -1.8,
    "tx": 0.0,  # to VADER "thanks"; in a review, Texas (an address is not praise)
}

# Phrases that carry the meaning VADER misses. Each becomes one feature for the model and marks
# the sentence it is in for topics. Negated praise comes first so it wins over the praise.
COMPLAINT_PHRASES: dict[str, str] = {
    "not_recommend": r"(?:would|will|could|can|do|did)(?:n'?t|\s+not|\s+never)\s+(?:\w+\s+)?recommend"
    r"|\bnot\s+recommend|\brecommend\s+(?:\w+\s+){0,3}(?:elsewhere|another|staying away|avoid)",
    "not_return": r"(?:won'?t|will\s+not|would(?:n'?t|\s+not)|never)\s+(?:be\s+)?(?:go(?:ing)?\s+back|return|see\s+(?:him|her|them)\s+again|coming\s+back)"
    r"|\bnever\s+again\b|\blast\s+(?:visit|time)\b",
    "avoid": r"\b(?:stay\s+away|avoid\b|beware|save\s+yourself|look\s+elsewhere|go\s+elsewhere|warning)",
    "switched": r"\b(?:switch(?:ed|ing)?|chang(?:ed|ing))\s+(?:to\s+)?(?:another|a\s+new|doctors?|dentists?|providers?|therapists?|practices?|clinics?)"
    r"|\b(?:find|found|look(?:ing)?\s+for)\s+(?:a\s+)?(?:new|another|different)\s+(?:doctor|dentist|provider|therapist|practice|clinic|office)",
    "no_care": r"\b(?:did(?:n'?t|\s+not)|does(?:n'?t|\s+not)|do(?:n'?t|\s+not)|never)\s+(?:even\s+)?(?:listen|care|explain|bother|look|examine|seem(?!\w*\s+(?:\w+\s+)?(?:rushed|hurried|rude|bothered|annoyed))|acknowledge|answer|help|return|call|respond|follow)",
    "nobody": r"\b(?:no\s*one|nobody|no\s+call|no\s+response|no\s+answer|no\s+apology|no\s+explanation)\b",
    "never_called": r"\bnever\s+(?:called|returned|got|received|heard|responded|followed|showed|answered)",
    "waited_long": r"\b(?:wait(?:ed|ing)?|sat|sitting)\b[^.!?]{0,40}?\b(?:\d+|an?|one|two|three|over|almost|nearly|half)\s*(?:\+\s*)?(?:hours?|hrs?|minutes|mins)\b"
    r"|\b(?:hours?|minutes|mins)\s+(?:late|past|after)\b",
    "billing_error": r"\b(?:billed|charged|charging|billing)\b[^.!?]{0,30}?\b(?:twice|double|again|wrong|incorrect\w*|without)\b|\bdouble[- ]?(?:billed|charged)|\bsurprise\s+(?:bills?|charges?)|\bsent\s+(?:me\s+)?to\s+collections",
    "took_effort": r"\btook\s+(?:me\s+)?(?:\w+\s+){0,2}(?:calls|phone\s+calls|tries|attempts|emails|trips|visits|weeks|months)\s+to\b",
    "money": r"\$\s?\d|\b(?:charged?|charging|bill(?:ed|ing)?|invoice|collections?|refund|co-?pay|deductible|out\s+of\s+pocket|money)\b",
    "rude": r"\b(?:rude(?:ly|ness)?|hostile|snotty|snippy|curt|short\s+with|attitude|yell(?:ed|ing)?)\b",
    "dismissive": r"\b(?:dismiss\w*|brush(?:ed)?\s+(?:me\s+)?off|condescend\w*|arrogan\w*|belittl\w*|patroniz\w*|judgment\w*|judgement\w*|lectur\w*|in\s+and\s+out|rush\w*|hurried)",
    "harm": r"\b(?:misdiagnos\w*|wrong\s+(?:diagnosis|medication|tooth|dose)|worse|malpractice|negligen\w*|lawsuit|sue\b|report(?:ed)?\s+(?:him|her|them)|complain\w*|infection|botched|damage\w*)",
    # Harm in plain words: "might not have lived", "nearly died", "missed the fracture".
    "harm_plain": r"\b(?:might|would|could)(?:\s+not|n'?t)?\s+have\s+(?:lived|died|survived|made\s+it|lost)|\b(?:almost|nearly)\s+(?:died|dead|killed|lost)\b|\bmissed\s+(?:\w+\s+){0,2}?(?:diagnosis|fracture|break|cancer|tumou?r|infection|appendicitis|stroke|heart\s+attack|clot|signs?)\b|\bended\s+up\s+in\s+(?:the\s+)?(?:er|emergency|hospital|icu)\b",
    # Out of reach: "impossible to reach by phone", "called six times", "goes to voicemail".
    "unreachable": r"\b(?:impossible|hard|difficult|tough|unable|never\s+able|can'?t|cannot|could(?:n'?t|\s+not))\s+(?:\w+\s+){0,2}?(?:reach|get\s+(?:through|a\s*hold|ahold|in\b|an?\s+appointment|anyone|anybody|someone)|contact)"
    r"|\bgetting\s+(?:through|a\s*hold|ahold|an?\s+appointment)\b[^.!?]{0,40}?\b(?:impossible|hard|difficult|nightmare)"
    r"|\bcalled\s+(?:\w+\s+){0,2}?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|multiple|numerous|countless)\s+times|\b(?:straight|always)\s+to\s+voice\s*mail|\bvoice\s*mail\s+(?:is\s+)?(?:always\s+)?full",
    # A warning about the other reviews: "the 5-star ratings are fake, read the negative ones".
    "fake_reviews": r"\b(?:fake|paid|bought|planted|fabricated|bogus)\s+(?:[\w-]+\s+){0,2}?(?:reviews?|ratings?)"
    r"|\b(?:reviews?|ratings?)\s+(?:\w+\s+){0,3}?(?:are|is|must\s+be|seem|look)\s+(?:\w+\s+)?(?:fake|paid|bought|planted|fabricated|bogus)"
    r"|\b(?:read|check|look\s+at)\s+the\s+(?:\w+\s+)?(?:negative|bad|low|1[- ]star|one[- ]star|other)\s+(?:reviews?|ones|ratings?)"
    r"|\bdon'?t\s+(?:trust|believe|be\s+fooled\s+by)\s+(?![^.!?]{0,25}?\b(?:bad|negative|low|poor|1-star|one-star)\b)(?:[\w-]+\s+){0,3}?(?:reviews?|ratings?)",
    "bad_words": r"\b(?:worst|horrible|horrendous|terrible|awful|disgust\w*|unacceptable|ridiculous|pathetic|useless|incompeten\w*|unprofessional|disappoint\w*|frustrat\w*|shock\w*|appall\w*|upset|angry|insult\w*|lied|liar|lying|scam|quack|waste)",
    "turn": r"\b(?:but|however|although|unfortunately|sadly|instead|used\s+to\s+be|no\s+longer|anymore|until)\b",
    "had_to": r"\b(?:had\s+to|have\s+to|forced\s+to|kept\s+(?:me\s+)?waiting|still\s+(?:waiting|have|no))\b",
    "low_stars": r"\b(?:zero|0|no|one|1|negative|minus)\s+stars?\b|\bif\s+i\s+could\b",
    "medication_refusal": r"\b(?:refus\w*|denied|won'?t\s+(?:give|prescribe|refill)|would(?:n'?t|\s+not)\s+(?:give|prescribe|refill|see))\b",
}
PRAISE_PHRASES: dict[str, str] = {
    "recommend": r"\b(?:highly|definitely|strongly|would|absolutely|totally)\s+recommend|\brecommend\s+(?:him|her|them|dr|this|to)\b",
    "thanks": r"\b(?:thank|thanks|grateful|blessed|lucky|fortunate|appreciat\w*)\b",
    "best": r"\b(?:best|amazing|wonderful|excellent|fantastic|outstanding|awesome|phenomenal|great|love[ds]?|superb|exceptional)\b",
    "caring": r"\b(?:caring|compassion\w*|kind|gentle|patient\s+with|takes?\s+(?:the\s+|his\s+|her\s+)?time|listens?|listened|understanding|empath\w*|warm)\b",
    "competent": r"\b(?:thorough\w*|knowledgeable|professional|smart|brilliant|skilled|expert\w*|competent|efficient|informative|explains?|explained)\b",
    "relief": r"\b(?:pain[- ]free|no\s+(?:more\s+)?pain|feel(?:ing)?\s+(?:so\s+much\s+)?better|saved\s+my|back\s+to\s+(?:normal|running|work)|recovered|healed|improved)\b",
    "stars": r"\b(?:five|5|10)\s*(?:stars?|/10|out\s+of\s+(?:5|five|10|ten))\b|\ball\s+the\s+stars|\b(?:a\+|10\s*/\s*10)",
    # A complaint word negated is praise: "did not rush my exam", "never rude", "didn't make me wait".
    "no_complaint": r"\b(?:(?:did(?:n'?t|\s+not)|does(?:n'?t|\s+not)|never|not|was(?:n'?t|\s+not)|were(?:n'?t|\s+not)|without)\s+(?:\w+\s+){0,2}?(?:rush(?:ed|ing)?|hurr(?:y|ied)|rude|dismissive|dismiss(?:ed)?|condescending|wait(?:ed|ing)?)\b|never\s+(?:felt\s+)?rushed|no\s+wait|never\s+(?:had\s+to\s+)?wait|can'?t\s+say\s+enough|not\s+(?:a\s+)?single\s+complaint|no\s+complaints|couldn'?t\s+(?:be\s+happier|ask\s+for)|(?:would|will)\s+(?:definitely\s+)?(?:go|come)\s+back)\b",
}

# Patients often praise a clinician by contrast with the ones before ("after years of other
# doctors dismissing me, she finally listened"): the complaint is about someone else.
EARLIER_CARE = re.compile(
    r"\b(?:other|previous|prior|former|old|last)\s+(?:doctors?|dentists?|physicians?|therapists?"
    r"|specialists?|providers?|chiropractors?)|\bfinally\b|\bbefore\s+(?:i\s+)?(?:found|met|seeing|came)"
    r"|\byears\s+of\b"  # for lower-cased text
)


# Clinical harm (issue 27): a complaint whatever else the review praises or how the model weighs
# it, unless negated ("never misdiagnosed"), someone else's doing (EARLIER_CARE in the same
# sentence: "my old doctor misdiagnosed it") or a rescue ("would have died without her").
CLINICAL_HARM = re.compile(
    r"\b(?:misdiagnos\w*|malpractice|negligen\w*|botched|butcher(?:ed|ing)?\b|"
    + COMPLAINT_PHRASES["harm_plain"]
    + ")"
)
HARM_NEGATED = re.compile(
    r"\b(?:not|no|never|nothing|without|didn'?t|wasn'?t|weren'?t|isn'?t)\s+(?:\w+\s+){0,2}$"
)
# The reviewer's own verdict, "I do not recommend him" / "not recommended if you need ...":
# a complaint whatever the praise before it, unless praise follows within a few words ("can't
# recommend her highly enough", "would not recommend anyone else").
NOT_RECOMMENDED = re.compile(COMPLAINT_PHRASES["not_recommend"])
RECOMMEND_PRAISE = re.compile(r"(?:\s+\w+){0,4}?\s+(?:enough|highly|more|else|other)\b")
HARM_RESCUED = re.compile(
    r"\b(?:without\s+(?:him|her|them|dr|doctor|the|this|his|their)|if\s+(?:it\s+)?"
    r"(?:not|was(?:n'?t|\s+not)|were(?:n'?t|\s+not)|had(?:n'?t|\s+not)|not\s+for)|thanks\s+to|"
    r"saved|caught|thank\w*|grateful)\b"
)


class PhraseScanner:
    """Finds named patterns in lower-cased text, only where a word (or a $ amount) starts.

    Python's regex engine tries every alternative of a big alternation at every position. Here
    one pass of a small regex finds the word starts whose first few characters can begin some
    pattern (most words of a review begin none), and each is tried only against the patterns
    that can begin with its first character: the same matches, several times faster.
    """

    WORD_CHARACTER = re.compile(r"[\w$]")  # a word (or a $ amount) is a run of these
    PREFIX_LENGTH = 4  # how many characters of a pattern's possible beginnings are checked

    def __init__(self, named: dict[str, str]) -> None:
        self.named = named

    @cached_property
    def _patterns(self) -> _CompiledScanner:
        """The alternation for each first character, the one for patterns that can start
        anywhere, and where to try them. Compiled on first use: compiling takes ~50 ms, and the
        command line and the dashboard import this module for the topic names long before
        anything is scored."""
        named = self.named
        beginnings = {name: match_prefixes(p, self.PREFIX_LENGTH) for name, p in named.items()}
        first = {name: _first_characters(prefixes) for name, prefixes in beginnings.items()}
        known = set().union(*(chars for chars in first.values() if chars is not None))
        anywhere = [name for name, chars in first.items() if chars is None]
        by_character = {
            char: _alternation(
                {n: p for n, p in named.items() if n in anywhere or char in (first[n] or ())}
            )
            for char in known
        }
        fallback = _alternation({n: named[n] for n in anywhere}) if anywhere else None
        return _CompiledScanner(by_character, fallback, _starts(set().union(*beginnings.values())))

    def finditer(self, lowered: str) -> Iterator[str]:
        """The name of each match, left to right, matches not overlapping."""
        return iter(self.findall(lowered))

    def findall(self, lowered: str) -> list[str]:
        """The names finditer yields, as a list (a plain loop: the scorer's hottest one)."""
        by_character, fallback, starts = self._patterns
        found = []
        end = 0
        # Scanned after a space, so that a word at the very start follows a separator too.
        for start in starts.finditer(" " + lowered):
            position = start.end() - 2  # the word's first character, in `lowered`
            if position < end:
                continue
            pattern = by_character.get(lowered[position], fallback)
            match = pattern.match(lowered, position) if pattern else None
            if match:
                end = match.end()
                found.append(match.lastgroup or "")
        return found


class _CompiledScanner(NamedTuple):
    by_character: dict[str, re.Pattern[str]]
    fallback: re.Pattern[str] | None  # for word starts no pattern is known to start with
    starts: re.Pattern[str]  # the word starts worth trying, see _starts


def _alternation(named: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in named.items()))


def _first_characters(prefixes: set[str]) -> set[str] | None:
    """The characters matches can start with; None when any character can begin one."""
    return None if "" in prefixes else {prefix[0] for prefix in prefixes}


def _starts(prefixes: set[str]) -> re.Pattern[str]:
    """The words that begin with one of `prefixes` (every word when "" is one), each found as
    the character before it (not a word character) and its first character.

    Starting with one character class lets the regex engine run over the words themselves in a
    tight loop; then one alternative per first character (the engine rules out the others at a
    glance), each looking ahead for the rest of the prefixes.
    """
    if "" in prefixes:
        return re.compile(r"[^\w$][\w$]")
    rests: dict[str, set[str]] = {}
    for prefix in prefixes:
        if PhraseScanner.WORD_CHARACTER.fullmatch(prefix[0]):  # never begins a word otherwise
            rests.setdefault(prefix[0], set()).add(prefix[1:])
    alternatives = []
    for char, rest in sorted(rests.items()):
        ahead = _beginning_with(rest)
        alternatives.append(re.escape(char) + (f"(?={ahead})" if ahead else ""))
    return re.compile(r"[^\w$](?:" + "|".join(alternatives) + ")" if alternatives else "(?!)")


def _beginning_with(strings: set[str]) -> str:
    """A regex for text that starts with one of `strings`, as a tree of shared beginnings."""
    if "" in strings:
        return ""
    by_first: dict[str, set[str]] = {}
    for string in strings:
        by_first.setdefault(string[0], set()).add(string[1:])
    branches = [re.escape(char) + _beginning_with(rest) for char, rest in sorted(by_first.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def match_prefixes(pattern: str, length: int) -> set[str]:
    """How matches of `pattern` can begin: strings of at most `length` characters, every match
    starting with one of them ("" among them when the beginning is not plain)."""
    try:
        # Private modules of the standard library: without them every word start is tried.
        ops = importlib.import_module("re._constants")
        parser = importlib.import_module("re._parser")
        parsed = parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return {""}
        opened, closed = _prefixes(list(parsed), {""}, length, ops)
    except (ImportError, AttributeError, re.error):
        return {""}
    return opened | closed


def _prefixes(
    items: list[Any], opened: set[str], length: int, ops: Any
) -> tuple[set[str], set[str]]:
    """The prefixes in `opened` grown by the regex items that follow: (those the next items may
    grow further, those complete: `length` long, or followed by what is not plain)."""
    closed: set[str] = set()
    for op, argument in items:
        if not opened:
            break
        if op is ops.AT:  # \b and friends match no character
            continue
        if op is ops.BRANCH:
            grown: set[str] = set()
            for branch in argument[1]:
                more, done = _prefixes(list(branch), opened, length, ops)
                grown |= more
                closed |= done
            opened = grown
            continue
        if op is ops.SUBPATTERN and not (argument[1] or argument[2]):  # a group, no flags
            opened, done = _prefixes(list(argument[-1]), opened, length, ops)
            closed |= done
            continue
        if op in (ops.MAX_REPEAT, ops.MIN_REPEAT):
            minimum, maximum, inner = argument
            once, done = _prefixes(list(inner), opened, length, ops)
            closed |= done
            if maximum > 1:  # another round may follow: what comes after is not plain
                closed |= once
                once = set()
            opened = once | (opened if minimum == 0 else set())
            continue
        chars = (
            {chr(argument)}
            if op is ops.LITERAL
            else _charset(argument, ops)
            if op is ops.IN
            else None
        )
        if chars is None or len(chars) * len(opened) > 512:
            closed |= opened
            return set(), closed
        grown = {prefix + char for prefix in opened for char in chars}
        opened = {prefix for prefix in grown if len(prefix) < length}
        closed |= grown - opened
    return opened, closed


def _charset(items: list[Any], ops: Any) -> set[str] | None:
    chars: set[str] = set()
    for op, argument in items:
        if op is ops.LITERAL:
            chars.add(chr(argument))
        elif op is ops.RANGE:
            chars |= {chr(code) for code in range(argument[0], argument[1] + 1)}
        else:
            return None
    return chars


PHRASES = PhraseScanner(
    {f"neg_{name}": pattern for name, pattern in COMPLAINT_PHRASES.items()}
    | {f"pos_{name}": pattern for name, pattern in PRAISE_PHRASES.items()}
)
PHRASE_FEATURES = [f"neg_{name}" for name in COMPLAINT_PHRASES] + [
    f"pos_{name}" for name in PRAISE_PHRASES
]


@dataclass(frozen=True)
class TopicDefinition:
    key: str
    label: str
    concern: str  # clinical or operational: they go to different people (docs/reviews.md)
    pattern: str  # for lower-cased text


def _topic(key: str, label: str, concern: str, pattern: str) -> TopicDefinition:
    return TopicDefinition(key, label, concern, pattern)


TOPICS: tuple[TopicDefinition, ...] = (
    _topic(
        "front_desk",
        "Front desk & staff courtesy",
        "operational",
        r"\b(?:front\s+desk|front\s+office|reception\w*|receptionists?|staff|secretar\w*|office\s+manager|assistants?|nurses?|admin\w*|check[- ]?in)\b",
    ),
    _topic(
        "scheduling",
        "Scheduling & availability",
        "operational",
        r"\b(?:appointments?|schedul\w*|reschedul\w*|availability|booked|booking|cancel\w*|no[- ]show|openings?|same[- ]day|weeks?\s+out|months?\s+out|get\s+in\b)",
    ),
    _topic(
        "wait_time",
        "Wait time",
        "operational",
        r"\b(?:wait\w*|waiting\s+room|late|on\s+time|punctual|delay\w*|behind\s+schedule|sat\s+there)\b",
    ),
    _topic(
        "billing",
        "Billing, insurance & cost",
        "operational",
        r"\$\s?\d|\b(?:bill\w*|insurance|insurer|co-?pays?|deductible|charg\w*|cost\w*|price\w*|pay\w*|paid|money|refund\w*|collections?|invoice\w*|estimate|expensive|afford\w*|out\s+of\s+pocket|medicare|medicaid)\b",
    ),
    _topic(
        "clinician",
        "Clinician rapport & communication",
        "clinical",
        r"\b(?:dr\.?|doctors?|doc|physicians?|therapists?|pt\b|physio\w*|dentists?|hygienists?|chiropractors?|surgeons?|provider|np\b|pa\b|practitioner|bedside\s+manner|listen\w*|explain\w*|rushed|dismissive|condescending|caring|compassion\w*)",
    ),
    _topic(
        "outcome",
        "Treatment outcome & pain relief",
        "clinical",
        r"\b(?:pain|relief|better|worse|recover\w*|heal\w*|results?|outcome|diagnos\w*|misdiagnos\w*|treatment|surgery|mobility|range\s+of\s+motion|strength|improv\w*|fixed|cured?|symptoms?)\b",
    ),
    _topic(
        "exercises",
        "Exercises & home program",
        "clinical",
        r"\b(?:exercises?|stretch\w*|home\s+program|hep\b|workouts?|routine|dry\s+needling|massage|adjustments?|manual\s+therapy)\b",
    ),
    _topic(
        "facility",
        "Facility, cleanliness & parking",
        "operational",
        r"\b(?:clean\w*|dirty|filthy|parking|park|facility|equipment|gym|building|office\s+space|room|bathroom|restroom|smell\w*|location|accessib\w*|elevator)\b",
    ),
    _topic(
        "phone",
        "Phone & follow-up",
        "operational",
        r"\b(?:phones?|call\w*|voicemail|voice\s+mail|messages?|emails?|portal|follow[- ]?up|results|returned?\s+my|answer\w*|hold\b|on\s+hold)\b",
    ),
)
TOPIC_BY_KEY = {topic.key: topic for topic in TOPICS}
TOPIC_MENTIONS = PhraseScanner({topic.key: topic.pattern for topic in TOPICS})
