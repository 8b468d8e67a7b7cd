"""The patterns the PHI check reads a reply with: one regular expression per kind of disclosure
(built from the word lists in `lexicon`), each with the context that makes a word about someone's
care rather than about the clinic's services."""

from __future__ import annotations

import re
from collections.abc import Iterable

from seo_monitor.replies import lexicon


def _words(words: Iterable[str]) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


def _compile(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


YOU = r"(?<!thank\s)(?<!thanks\s)\b(?:you|your|yours|you're|you've|you'll|you'd|usted|su|sus)\b"
TIE = re.compile(YOU, re.IGNORECASE)
CARE_VERBS = re.compile(
    r"\b(?:treat\w*|help\w*|see|saw|seeing|seen|work\w*\s+with|car(?:e|ed|ing)\s+for|"
    r"examin\w*|adjust\w*|fit\w*|enjoy\w*|pleasure|took\s+care|take\s+care|look\w*\s+after|"
    r"work\w*\s+(?:out|on)|glad|happy|delighted|"
    r"atend\w*)\b",
    re.IGNORECASE,
)
PATIENT_STATUS = _compile(
    r"\byour\s+(?:recent\s+|last\s+|next\s+|first\s+|follow-?up\s+|initial\s+)?(?:visits?|"
    r"appointments?|sessions?|treatments?|care|therapy|therapists?|doctor|dentist|provider|"
    r"physician|chiropractor|hygienist|clinician|recovery|progress|plan\s+of\s+care|"
    r"treatment\s+plan|exams?|procedures?|surgery|stay|time\s+(?:with\s+us|here)|"
    r"course\s+of\s+care|rehab|referral|check-?ups?|cleaning|consultation|evaluation|"
    r"care\s+team|home\s+program|exercises|follow-?ups?|little\s+one)\b",
    r"\b(?:your|his|her|their)\s+next\s+(?:\w+\s+){0,2}(?:visit|appointment|session|check\w*|"
    r"cleaning|exam|adjustment|treatment)\b",
    r"\b(?:thank(?:s|\s+you)|grateful)\s+(?:\w+\s+){0,3}for\s+(?:(?:trusting|choosing)\s+us|"
    r"letting\s+us\s+(?:care|treat|help|serve|be\s+part))\b",
    r"\b(?:trusting|entrusting)\s+us\s+with\s+your\b",
    r"\b(?:enjoy(?:ed)?|lov(?:e|ed)|happy|glad|pleasure|privilege|honou?r)\s+(?:\w+\s+){0,2}"
    r"(?:treating|seeing|working\s+with|caring\s+for|taking\s+care\s+of|having|meeting|"
    r"getting\s+to\s+know)\s+(?:you|your|him|her|them)\b",
    r"\b(?:get|got|getting)\s+(?:you|him|her|them)\s+(?:seen|in)\b",
    r"\bhope\s+(?:you(?:'re|\s+are)|she's|he's|she\s+is|he\s+is|they(?:'re|\s+are))\s+"
    r"(?:\w+\s+){0,2}(?:feeling|doing|better|healing|recovering|improving)\b",
    r"\bpart\s+of\s+our\s+(?:practice|clinic|patient|dental|office)\s*(?:family|community)?\b",
    r"\b(?:we|i)\s+(?:ordered|prescribed|performed|placed|administered|gave\s+you)\b",
    r"\b(?:see|seeing)\s+you\b(?!\s+(?:around\s+town|there\s+online))",
    r"\byou(?:'ve|\s+have)\s+been\s+(?:with\s+us|coming|seeing\s+us|a\s+patient|in\s+our\s+care)\b",
    r"\b(?:loyal|longtime|long-time|valued|favou?rite|regular)\s+(?:patient|client)\b",
    r"\b(?:have|having|get|getting|see|seeing)\s+you\s+back\b|\byou\s+chose\s+us\b",
    r"\byour\s+(?:first|last|next)\s+(?:trip|time|day|visit)\b",
    r"\b(?:lov|enjoy)(?:e|ed|ing)\s+(?:\w+ing)\s+(?:you|your|him|her|them)\b",
    r"\b(?:su|sus)\s+(?:hij[oa]s?|espos[oa]|madre|padre|niñ[oa]s?|beb[eé])\b",
    r"\busted\s+(?:no\s+)?ha\s+(?:visitado|venido|sido\s+atendid[oa])\b",
    r"\b(?:been|coming)\s+(?:here|to\s+us|to\s+our\s+\w+)\s+for\s+(?:\w+\s+){0,2}years\b",
    r"\byour\s+(?:son|daughter|child|children|kids?|baby|little\s+one|husband|wife|partner|"
    r"mother|father|mom|dad|grandson|granddaughter|family)\b",
    r"\b(?:when|while|since|after|before)\s+you\s+(?:first\s+)?(?:came\s+in|came\s+to|"
    r"were\s+here|visited|were\s+seen|were\s+in|were\s+treated|started|began|checked\s+in|"
    r"arrived|left)\b",
    r"\bas\s+your\s+(?:therapist|doctor|dentist|provider|physician|chiropractor|clinician|"
    r"care\s+team)\b",
    r"\b(?:welcome\s+back|our\s+patient(?!s\b|\s+(?:portal|forms?|services|coordinator|advocate|"
    r"experience))|a\s+patient\s+of\s+ours|as\s+a\s+patient\s+here|"
    r"you(?:'re|\s+are)\s+(?:a|our)\s+patient)\b",
    r"\byou(?:'re|\s+are)\s+(?:back|feeling|doing|healing|recovering|moving|walking|running|"
    r"pain[- ]free|smiling)\b",
    r"\bglad\s+(?:to\s+hear\s+)?(?:you(?:'re|\s+are)|your)\s+(?:\w+\s+)?(?:better|improving|"
    r"feeling|back|healing|progress\w*|recover\w*)\b",
    r"\bhope\s+(?:the|your)\s+(?:new\s+)?(?:exercises|treatment|routine|medication|program|"
    r"brace|plan|stretches)\b",
    r"\b(?:we|i)\s+(?:treated|saw|examined|referred|sent|called|scheduled|rescheduled)\s+you\b",
    r"\b(?:referral|prescription|results?)\s+(?:we|i)\s+sent\b",
    r"\byou\s+(?:were|have\s+been)\s+(?:seen|treated|here|in\s+our\s+office)\b",
    r"\bsus?\s+(?:visita|cita|tratamiento|terapia|sesi[oó]n(?:es)?|terapeuta|doctora?|"
    r"recuperaci[oó]n|pr[oó]xima)\b",
    r"\b(?:verle|verla|verlo|atenderle|atenderla|atenderlo|tratarle|tratarla|tratarlo)\b",
)
RECORDS = _compile(
    r"\b(?:no|any)\s+records?\s+of\s+(?:you|your|this|a\s+patient|anyone|that)\b",
    r"\b(?:our|your|the)\s+(?:medical\s+)?(?:records?|charts?|files?|system|notes)\s+"
    r"(?:show|shows|indicate|indicates|say|says|reflect|reflects)\b",
    r"\byour\s+(?:medical\s+|patient\s+)?(?:chart|file|records?|account|intake(?:\s+form)?|"
    r"paperwork|history)\b",
    r"\baccording\s+to\s+(?:our|your)\s+(?:records?|charts?|files?|system|notes)\b",
    r"\b(?:not|aren't|isn't|weren't|wasn't)\s+in\s+our\s+(?:system|records|database)\b",
    r"\b(?:we|i)\s+(?:checked|reviewed|looked\s+(?:at|into|up|through)|pulled|searched)\s+"
    r"(?:your|our|the)\s+(?:records?|charts?|files?|system|notes)\b",
    r"\b(?:we|i)\s+(?:can(?:no|')?t|cannot|could(?:n't|\s+not)|do(?:n't|\s+not)|did(?:n't|\s+not))"
    r"\s+(?:find|see|locate)\s+(?:you|your|any\s+record|a\s+record|anyone\s+by)\b",
    r"\b(?:health|medical)\s+history\b|\bintake\s+forms?\b|\bnew\s+patient\s+forms?\b|"
    r"\bforms?\s+(?:that\s+)?you\s+(?:filled|completed|submitted|signed)\b",
    r"\b(?:on\s+file|in\s+your\s+file)\b",
    r"\b(?:went|looked|searched|checked)\s+(?:back\s+)?through\s+our\s+(?:files|records|notes|"
    r"system|charts)\b|\bno\s+indication\s+(?:that\s+)?you\b",
    r"\b(?:the|our|your)\s+(?:[\w-]+\s+)?(?:log|logs|records?|notes|chart|charts|file|files|system|"
    r"sheet|schedule|questionnaire)\s+(?:shows?|showed|indicates?|indicated|didn't|did\s+not|"
    r"doesn't|has|had|says?|said|reflects?)\b",
    r"\b(?:checked|reviewed|looked\s+at|pulled)\s+the\s+(?:\w+\s+)?(?:log|logs|records?|notes|"
    r"chart|file|system|sheet|schedule)\b",
    r"\b(?:documented|noted|recorded)\s+in\s+(?:the|your|our)\s+(?:chart|records?|file|notes)\b",
    r"\b(?:under|by)\s+(?:that|your)\s+name\b|\bentry\s+(?:for|under)\b",
    r"\bseg[uú]n\s+nuestros\s+registros\b|\ben\s+nuestro\s+sistema\b",
    r"\bsu\s+(?:expediente|historial|archivo)\b",
    r"\bno\s+(?:tenemos|encontramos)\s+(?:ning[uú]n\s+)?registro\b",
)
AMBIGUOUS_HEALTH = {"back", "head", "face", "hand", "hands", "heart", "chest", "cold", "break"}
AMBIGUOUS_HEALTH |= {"tear", "test", "tests", "root", "canal", "cast", "shot", "dry", "scan"}
GENERIC_PROCEDURES = {"therapy", "treatment", "treatments", "session", "sessions", "program"}
GENERIC_PROCEDURES |= {"exercise", "exercises", "results", "massage", "stretches"}
STRONG_HEALTH = (
    set(lexicon.BODY_PARTS + lexicon.CONDITIONS + lexicon.MEDICATIONS)
    | {w for w in lexicon.PROCEDURES if w not in GENERIC_PROCEDURES}
) - AMBIGUOUS_HEALTH
MEDICATION_NAME = re.compile(
    r"\b[a-z]{3,}(?:pril|sartan|olol|statin|azole|mycin|cillin|azepam|zolam|codone|profen|"
    r"prazole|tidine|triptan|setron|oxetine|aline|afil|formin|lukast)\b",
    re.IGNORECASE,
)
# A health word in a sentence with one of these is about someone's case, not the clinic's services.
CASE_CUES = re.compile(
    r"\b(?:glad|happy|sorry|hope|hoping|eased|better|improv\w*|worked|helped|lingered|linger\w*|"
    r"heal\w*|recover\w*|refill\w*|sent|mix-up|wears\s+off|cleared|healed|resolved|fitted|"
    r"adjusted|new\s+\w+\s+make|nos\s+alegra|lamentamos|esperamos|mejorad[oa])\b",
    re.IGNORECASE,
)
HEALTH_PHRASES = [
    "numbness",
    "soreness",
    "stiffness",
    "bruising",
    "nausea",
    "dizziness",
    "bifocals",
    "glasses",
    "lenses",
    "retainer",
    "aligners",
    "dentures",
    "hearing aid",
    "hearing aids",
    "orthotics",
    "splint",
    "crutches",
    "pacemaker",
    "stitches",
    "dolor",
    "espalda",
    "rodilla",
    "hombro",
    "cuello",
    "tobillo",
    "muela",
    "embarazo",
    "back pain",
    "lower back",
    "upper back",
    "neck pain",
    "root canal",
    "blood work",
    "dry needling",
    "well-child",
    "statin",
    "statins",
    "cream",
    "ointment",
    "inhaler",
]
GENERIC_HEALTH = set(lexicon.PROCEDURES) & GENERIC_PROCEDURES
HEALTH_TERM = re.compile(rf"\b(?:{_words(STRONG_HEALTH | set(HEALTH_PHRASES))})\b", re.IGNORECASE)
YOUR_HEALTH = re.compile(
    rf"\b(?:your|his|her|their|su|sus)\s+(?:\w+\s+)?"
    rf"(?:{_words(GENERIC_HEALTH | AMBIGUOUS_HEALTH | STRONG_HEALTH)})\b",
    re.IGNORECASE,
)
THE_GENERIC_HEALTH = re.compile(
    rf"\bthe\s+(?:new\s+)?(?:{_words(GENERIC_HEALTH | {'plan', 'relief'})})\b", re.IGNORECASE
)
SPANISH_HEALTH = re.compile(
    r"\b(?:su|sus)\s+(?:espalda|rodilla|hombro|cuello|dolor|pie|tobillo|cadera|diente|dientes|"
    r"muela|piel|embarazo|cirug[ií]a|tratamiento|terapia|medicamento|receta)\b",
    re.IGNORECASE,
)
THIRD_PERSON = re.compile(
    r"\b(?:for|with|to|on)\s+(?:her|him|them)\b|\b(?:she|he)(?:'s|\s+is|\s+was)\b", re.IGNORECASE
)
DEFINITE = re.compile(r"\b(?:the|that|this|those|these)\s+(?:\w+\s+)?$", re.IGNORECASE)
SPECIFIC_REFERENCE = re.compile(
    r"\b(?:the\s+new|that|those|these|this|your\s+new|el\s+nuevo|la\s+nueva|el|la)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
GENERAL = re.compile(
    r"\b(?:many|all\s+(?:kinds|types|sorts)|every\s+(?:kind|type)|various|"
    r"(?:a\s+)?(?:wide\s+|broad\s+|full\s+)?range\s+of|(?:before|for|of)\s+any|"
    r"including|such\s+as|conditions\s+like|we\s+(?:treat|offer|provide|see|help\s+with|"
    r"specialize\s+in)|our\s+(?:therapists|doctors|dentists|providers|team)\s+(?:treat|see)|"
    r"everything\s+from|from\s+[\w-]+(?:\s+[\w-]+)?\s+to\b|(?:medications|conditions|devices)\s+like|"
    # Spanish: "aceptamos la mayoría de los seguros", "preguntas sobre facturas"
    r"aceptamos|la\s+mayor[ií]a\s+de|todo\s+tipo\s+de|cualquier|ofrecemos|muchos|varios|"
    r"incluid[oa]s?|(?:preguntas|dudas)\s+sobre|tratamos)\b",
    re.IGNORECASE,
)
# Weekdays and months need a sign that they are about someone's care; the rest do not.
DATE = _compile(
    rf"\b(?:{_words(lexicon.WEEKDAYS)})s?\b",
    rf"\b(?:{_words(lexicon.MONTHS)})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    r"\b(?:new\s+year's|christmas|thanksgiving|the\s+holiday|the\s+holidays|easter)\b",
)
SPECIFIC_DATE = _compile(
    r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d\d\b",
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    r"\b(?:yesterday|tonight|this\s+morning|this\s+afternoon|last\s+(?:week|month|night|"
    r"time|visit)|earlier\s+this\s+(?:week|month)|(?:on\s+)?the\s+\d{1,2}(?:st|nd|rd|th))\b",
    r"\b(?:\w+\s+)?(?:days?|weeks?|months?)\s+ago\b",
    rf"\b(?:that|last|this\s+past|past)\s+(?:{_words(lexicon.WEEKDAYS)})\b",
    rf"\b(?:{_words(lexicon.WEEKDAYS)})\s+(?:morning|afternoon|evening|night)\b",
    r"\b(?:due|back)\s+(?:back\s+)?in\s+(?:" + "|".join(lexicon.MONTHS) + r")\b",
    # Spanish, the same shapes: "el martes pasado", "el jueves por la tarde", "ayer",
    # "la semana pasada", "hace dos semanas"
    r"\b(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)\s+(?:pasado|"
    r"por\s+la\s+(?:mañana|manana|tarde|noche)|en\s+la\s+(?:mañana|manana|tarde))\b",
    r"\b(?:ayer|anteayer|anoche|esta\s+(?:mañana|manana|tarde)|la\s+semana\s+pasada|"
    r"el\s+mes\s+pasado|hace\s+(?:\w+\s+)?(?:d[ií]as?|semanas?|meses))\b",
)
CARE_CONTEXT = re.compile(rf"\b(?:{_words(lexicon.CARE_WORDS)})\b", re.IGNORECASE)
HOURS_CONTEXT = re.compile(
    rf"\b(?:{_words(lexicon.HOURS_WORDS)})\b|\b\w+days?\s+(?:through|thru|to|-|–)\s+\w+days?\b|"
    r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm)?\s*(?:to|-|–|until)\s*(?:\d{1,2}(?::\d\d)?\s*(?:am|pm)|noon)|"
    r"\bde\s+lunes\b",
    re.IGNORECASE,
)
DEFINITE_CHARGE = re.compile(
    r"\bthe\s+(?:copay|co-pay|fee|balance|charge|bill|deductible|amount\s+due)\b", re.IGNORECASE
)
# "the monthly payment plan has made things…", "the bundle discount": one person's arrangement.
DEFINITE_ARRANGEMENT = re.compile(
    r"\bthe\s+(?:[\w-]+\s+){0,3}(?:payment\s+plan|discount|package|refund|claim|"
    r"authorization|pre-?authorization|approval)\b",
    re.IGNORECASE,
)
AMOUNT = re.compile(r"\$\s?\d[\d,]*(?:\.\d\d)?|\b\d[\d,]*(?:\.\d\d)?\s*(?:dollars|usd)\b", re.I)
INSURER = re.compile(
    rf"\b(?:{_words(lexicon.INSURERS + list(lexicon.INSURER_PHRASES))})\b", re.IGNORECASE
)
YOUR_BILLING = re.compile(
    rf"\b(?:your|su|sus)\s+(?:\w+\s+)?"
    rf"(?:{_words(lexicon.BILLING_TERMS + lexicon.SPANISH_BILLING_TERMS)})\b",
    re.IGNORECASE,
)
# About one person's account whatever the sentence says: "the account went to collections".
ACCOUNT_EVENTS = re.compile(
    r"\b(?:collections|waived|unpaid|overdue|past\s+due|write\s+off|wrote\s+off|refunded|"
    r"re-?ran|re-?run|resubmitted|re-?billed|appealed)\b|"
    # Spanish: "se envió a cobranza", "le reembolsamos", "el cargo doble", "saldo pendiente",
    # "la reclamación fue aprobada", "Medicaid no cubre ese servicio"
    r"\b(?:cobranzas?|reembols(?:amos|ado|ada|aremos|ar)|le\s+(?:cobramos|cobraron|facturamos|"
    r"devolvimos|descontamos)|se\s+le\s+(?:cobr[oó]|factur[oó])|(?:saldo|monto|pago|cargo|"
    r"cobro)\s+(?:pendiente|vencido|doble)|doble\s+(?:cargo|cobro)|no\s+pag[oó]|"
    r"(?:reclamaci[oó]n|reclamo|factura|cargo)\s+(?:fue|ha\s+sido)\s+\w+)\b",
    re.IGNORECASE,
)
# "el copago de $40", "la factura de $120": a definite Spanish charge makes an amount someone's.
SPANISH_DEFINITE_CHARGE = re.compile(
    r"\b(?:el|la|los|las|este|ese|esta|esa|del)\s+(?:copagos?|cargos?|cobros?|saldo|deducible|"
    r"factura|monto|importe|reembolso|tarifa|pago)\b",
    re.IGNORECASE,
)
SPECIFIC_BILLING = re.compile(
    r"\b(?:copays?|co-pays?|deductible|balance|claims?|collections|refund(?:ed)?|"
    r"charged|billed|denied|overdue|past\s+due|write\s+off|wrote\s+off|discount|cash-pay|"
    r"self-pay\s+discount|payment\s+plan|financing|sliding\s+scale|appeal|fee|fees|the\s+copay|"
    r"benefit\s+check|the\s+account|approved|approval|authorization|"
    r"copagos?|deducible|saldo|reclamaci[oó]n|reclamo|cobranza|reembols\w*|cobr[oó]|cobramos|"
    r"factur(?:a|[oó]|amos|ada|ado)|denegad[oa]|aprobad[oa]|rechazad[oa]|cubri[oó]|cubre|"
    r"descuento|plan\s+de\s+pagos|autorizaci[oó]n)\b",
    re.IGNORECASE,
)
# "512-555-0142", "(512) 555 0142", "555 0142", and ten digits written together (which is what
# "5 1 2 5 5 5 0 1 4 2" becomes once normalised).
PHONE = re.compile(
    r"(?=[\d(+])(?:"  # fails fast where no number starts (the check runs on every keystroke)
    r"(?<!\d)(?:(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?)?\d{3}[\s.-]\d{4}(?!\d)|"
    r"(?<![\d$.,])(?:\+?1)?\d{10}(?![\d,]|\.\d))"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
STREET = r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place)"
ADDRESS = re.compile(
    rf"\b\d{{2,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'-]*\s+){{1,3}}{STREET}\b\.?"
    r"(?:,?\s+(?:Apt|Unit|Suite|#)\.?\s*\w+)?"
)
STREET_NAME = re.compile(rf"\b(?:[A-Z][a-z]+\s+){{1,3}}{STREET}\b")
PARTIAL_PHONE = re.compile(r"\bending\s+in\s+\d{2,4}\b", re.IGNORECASE)
PATIENT_CONTACT = re.compile(
    # The practice doing something with a number or address is using someone else's: "we
    # rang", "we left a message at", "we'll text the form to".
    r"\b(?:we|i)(?:'ve|'ll|'d|\s+have|\s+will|\s+had|\s+would|\s+also|\s+already|\s+just)?\s+"
    r"(?:\w+\s+)?(?:rang|called|phoned|dialed|dialled|texted|tried|left|sent|mailed|emailed|"
    r"messaged|reached|text|send|mail|email|fax|faxed|call|ring|phone|contacted)\b|"
    r"\bnumber\s+(?:we\s+have|on\s+file|you\s+(?:gave|left|provided|listed))\b|"
    r"\b(?:have|had)\s+you\s+(?:down\s+)?(?:as|at)\b|"
    r"\ble\s+(?:dejamos|marcamos|hablamos|mandaremos|enviaremos)\b|"
    r"\b(?:tried|trying)\s+(?:reaching|to\s+reach|calling|to\s+call)\b|\btexted\b|\bmade\s+it\s+"
    r"(?:over\s+)?to\b|\bdevolveremos\b|\ble\s+llamaremos\b|\b(?:drive|trip|commute|walk)\s+"
    r"(?:in\s+|over\s+)?from\b|"
    r"\b(?:called|emailed|texted|messaged|mailed|reached|left|sent|wrote)\s+(?:\w+\s+){0,3}"
    r"(?:you|your)\b|\b(?:you|your)\s+(?:\w+\s+){0,2}(?:at|on)\b|\byour\s+(?:cell|phone|mobile|"
    r"number|email|address|home)\b|\b(?:su|al)\s+(?:tel[eé]fono|correo|celular|n[uú]mero)\b|"
    r"\b(?:le|la|lo)\s+(?:llamamos|escribimos|enviamos|mandamos)\b|\bon\s+file\b|"
    r"\b(?:removed|updated|changed|deleted)\b|\byou\s+requested\b|\b(?:mailed|sent)\s+to\b",
    re.IGNORECASE,
)
OFFICE_CONTACT = re.compile(
    r"\b(?:call|text|email|e-mail|reach|contact|write\s+to|visit)\s+(?:us|our|me)\b|"
    r"\bll[aá]m(?:e|enos|arnos|ar)\b|\b(?:comun[ií]quese|cont[aá]ctenos|escr[ií]banos)\b|"
    r"\b(?:our|the)\s+(?:new\s+|main\s+)?(?:office|practice|clinic|front\s+desk|billing|manager|"
    r"practice\s+manager|location|\w+\s+department|"
    r"team|number|main\s+line|line)\b|\bll[aá]me(?:nos)?\b|\bnuestr[oa]s?\b|"
    r"\b(?:call|text|reach|dial|phone)\s+(?:us\s+)?(?:at\s+|on\s+)?(?=\(?\d)|\bcall\s+at\b|"
    r"\bline\s+at\b|\bat\s+our\b|\blocated\s+at\b|\bfind\s+us\b|\bcalling\b|\bfax\w*\b|"
    r"\bcan\s+be\s+reached\b|"
    r"\bwe(?:'re|\s+are)\s+(?:at|located)\b|\b(?:talk|chat|speak|suggestions|questions|"
    r"feedback|help)\s+at\b",
    re.IGNORECASE,
)
# info@, frontdesk@, billing@…: a practice's own mailboxes, never a patient's.
ROLE_MAILBOX = re.compile(
    r"^(?:info|office|frontdesk|front\.desk|billing|records|care|hello|contact|appointments?|"
    r"admin|reception|scheduling|team|help|support|feedback|manager)@",
    re.IGNORECASE,
)
PERSONAL_MAIL = re.compile(
    r"@(?:gmail|yahoo|hotmail|outlook|icloud|aol|live|msn|protonmail)\.", re.IGNORECASE
)
# A clinician's title and the word after it, which is a name unless TITLE_NOT_NAMES says not:
# "Dr. Lee", "dr. okonkwo", "Dr.Benson", "Nurse Kim", "PT Alvarez", "our therapist Jordan",
# "la Dra. Morales". Abbreviations with a dot take a name in any letter case; spelled-out
# titles and bare abbreviations need a capital letter; a plural ("our therapists") is no one.
ROLE_NAME = re.compile(
    r"\b(?:(?P<abbr>(?i:dra?|drs|doc))\.\s*|"
    r"(?:(?i:dra?)|PT|OT|PA|NP|RN|DPT|LPN|CNA|PA-C|MD|DDS|DC)\s+|"
    r"(?i:doctora?|nurse|enfermer[oa]|(?:physical\s+|occupational\s+|speech\s+|massage\s+)?"
    r"therapist|physiotherapist|terapeuta|fisioterapeuta|hygienist|higienista|dentist|"
    r"chiropractor|quiropr[aá]ctic[oa]|coach|midwife|partera|counse(?:l)?lor|consejer[oa]|"
    r"trainer|technician|tech|pharmacist|optometrist|audiologist|dietitian|nutritionist|surgeon|"
    r"cirujan[oa]|provider|hygienist|assistant|asistente|receptionist|recepcionista)\s+)"
    r"(?P<name>[^\W\d_][\w'-]+)"
)
TITLE_NOT_NAMES = frozenset(
    [
        "and",
        "or",
        "the",
        "a",
        "an",
        "our",
        "your",
        "team",
        "teams",
        "staff",
        "office",
        "offices",
        "practitioner",
        "practitioners",
        "assistant",
        "assistants",
        "visit",
        "visits",
        "appointment",
        "appointments",
        "who",
        "said",
        "says",
        "is",
        "was",
        "are",
        "were",
        "will",
        "would",
        "can",
        "could",
        "has",
        "have",
        "had",
        "to",
        "for",
        "of",
        "in",
        "on",
        "at",
        "with",
        "from",
        "by",
        "y",
        "o",
        "de",
        "del",
        "la",
        "el",
        "los",
        "las",
        "su",
        "sus",
        "que",
        "es",
        "fue",
        "le",
        "les",
        "appreciation",
        "week",
        "day",
        "month",
        "services",
        "care",
    ]
)
# "Marco says thank you…": a capitalised word opening a sentence about the reviewer's care.
FIRST_NAME_SAYS = re.compile(
    r"^\s*([A-Z][a-z]+)\s+(?:says|said|sends|was|is|enjoyed|loved|wanted|asked|and\s+the)\b"
)
# Whatever the sentence: "Jordan was thrilled to read this and says hi."
REACTS = (
    r"(?:was\s+(?:thrilled|delighted|so\s+happy|touched)|says\s+hi|"
    r"sends\s+(?:her|his|their)\b|loved\s+(?:seeing|meeting|working)|"
    r"(?:le\s+)?(?:manda|env[ií]a)\s+(?:saludos|un\s+saludo|sus\s+saludos)|dice\s+hola)"
)
FIRST_NAME_REACTS = re.compile(rf"^\s*([A-Z][a-z]+)\s+{REACTS}")
# After a clinician's title and name, wherever it is: "Dr. Lee was thrilled to read this".
TITLE_REACTS = re.compile(rf"\s+{REACTS}")
# After a name, the words that make it a business's or a street's: "Bob's Pharmacy",
# "Katy Medical Group", "the Elizabeth Street office".
ORGANISATION_AFTER = re.compile(
    r"(?:'s)?\s+(?:[A-Z][\w&'-]*\s+){0,2}(?:Pharmacy|Medical|Group|Clinic|Clinics|Dental|"
    r"Dentistry|Pediatrics|Family|Health|Healthcare|Physical|Therapy|Chiropractic|Orthodontics|"
    r"Dermatology|Optometry|Vision|Eye|Care|Center|Centre|Hospital|Lab|Labs|Laboratory|"
    r"Associates|Practice|Wellness|Rehab|Pharmacy|Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|"
    r"Drive|Lane|Way|Park|Plaza|Mall|Cafe|Café|Bakery|Market|Inc|LLC)\b"
)
SALUTATION = re.compile(
    r"\b(?i:hi|hello|hey|dear|thanks|thank\s+you|hola|gracias)\s*,?\s+([A-Z][a-z]+)\b"
)
PASS_ON = re.compile(
    r"\b(?i:let|tell|told|pass\s+(?:this|it|that|your\s+\w+(?:\s+\w+)?)\s+(?:along\s+|on\s+)?to)"
    r"\s+([A-Z][a-z]+)\b"
)
NOT_NAMES = frozenset(
    [
        "Team",
        "Everyone",
        "All",
        "For",
        "So",
        "Again",
        "Very",
        "Much",
        "Everybody",
        "Friend",
        "Folks",
        "There",
        "Sir",
        "Madam",
        "Again",
        "Google",
        "Reviewer",
        "Patient",
        "Por",
        "Muchas",
        "Ma",
    ]
)
# Titles are not sentence ends, whatever their letter case ("dr. okonkwo said…").
SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[Dd]r\.)(?<!\b[Dd]ra\.)(?<!\b[Dd]rs\.)(?<!\b[Dd]oc\.)(?<!\bMr\.)"
    r"(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bSra\.)(?<!\bSr\.)\s+|\n+"
)
