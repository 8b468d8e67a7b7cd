"""The forms of a reviewer's name a reply can use: the name itself and its diminutives.

A reply to "Robert Klein" that says "Thanks, Bob!" names him as surely as "Thanks, Robert!".
English diminutives come from the `nicknames` package (a hand-curated table of about 1,000
English given names, both ways: Robert → Bob, Bob → Robert); Spanish ones, which it does not
have, from the table below and the -ito/-ita rule (Juan → Juanito, Ana → Anita).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from seo_monitor.replies import lexicon
from seo_monitor.replies.normalize import fold_accents, normalize

if TYPE_CHECKING:
    from nicknames import NickNamer

# Spanish given names (written without accents) and their common diminutives.
SPANISH_DIMINUTIVES = {
    "jose": ("pepe", "pepito", "chepe", "cheo", "josecito"),
    "josefa": ("pepa", "pepita", "chepa"),
    "josefina": ("pepa", "pepita", "fina", "chepina"),
    "francisco": ("paco", "pancho", "curro", "paquito", "quico", "kiko", "fran"),
    "francisca": ("paca", "paquita", "pancha", "curra", "fran"),
    "guadalupe": ("lupe", "lupita", "pita"),
    "ignacio": ("nacho", "nacio"),
    "ignacia": ("nacha",),
    "jesus": ("chuy", "chucho", "chus"),
    "enrique": ("quique", "kike"),
    "manuel": ("manolo", "manu", "lolo", "manolito"),
    "manuela": ("manoli", "manola", "manu"),
    "dolores": ("lola", "loli", "lolita"),
    "concepcion": ("concha", "conchita", "conchi"),
    "rosario": ("charo", "chayo"),
    "alejandro": ("alex", "ale", "jandro"),
    "alejandra": ("ale", "alex", "jandra"),
    "roberto": ("beto", "tito", "robert"),
    "alberto": ("beto", "tito"),
    "antonio": ("tono", "tonio", "toni", "tony"),
    "antonia": ("tona", "toni"),
    "eduardo": ("lalo", "edu"),
    "guillermo": ("memo", "guille"),
    "fernando": ("nando", "fer"),
    "luis": ("lucho", "guicho", "wicho"),
    "carlos": ("carlitos", "charly", "calo"),
    "juan": ("juanito", "juancho", "juancito"),
    "daniel": ("dani",),
    "daniela": ("dani",),
    "gabriel": ("gabi", "gabo"),
    "gabriela": ("gabi", "gaby"),
    "mercedes": ("meche", "merche", "mecha"),
    "graciela": ("chela",),
    "consuelo": ("chelo",),
    "maria": ("mari", "maru", "mary"),
    "isabel": ("isa", "chabela", "chabe"),
    "ramon": ("moncho",),
    "rafael": ("rafa", "rafi"),
    "santiago": ("santi", "chago"),
    "teresa": ("tere", "teresita"),
    "cristina": ("cris", "tina"),
    "patricia": ("paty", "pati", "patty"),
    "ricardo": ("richi", "rich"),
    "salvador": ("chava", "chavo"),
    "jorge": ("coque",),
    "vicente": ("chente",),
    "ernesto": ("neto",),
    "adolfo": ("fito",),
    "rodolfo": ("fito", "rodo", "rudy"),
    "margarita": ("mago", "marga", "rita"),
    "leticia": ("lety", "leti"),
    "beatriz": ("bea",),
    "victoria": ("vicky", "viki"),
    "lourdes": ("lulu",),
    "federico": ("fede", "kiko"),
    "andres": ("andy",),
    "gerardo": ("lalo", "gera"),
    "ezequiel": ("cheque",),
    "anastasio": ("tacho",),
    "gonzalo": ("chalo",),
    "asuncion": ("chon", "choni"),
    "inmaculada": ("inma",),
    "encarnacion": ("encarna",),
    "veronica": ("vero",),
    "alicia": ("licha",),
    "lucia": ("luci", "lucha"),
    "sebastian": ("sebas", "seba"),
    "nicolas": ("nico",),
    "agustin": ("agus", "tin"),
    "valentina": ("vale", "valen"),
}
# Names that are also words ("Bill", "Will", "Kit"): counted only when written with a capital
# letter and not at the start of a sentence (lexicon.COMMON_WORDS holds the rest).
WORD_NICKNAMES = frozenset(
    [
        "ant",
        "bell",
        "bess",
        "bud",
        "dot",
        "fay",
        "fina",
        "hob",
        "ian",
        "jack",
        "kit",
        "lib",
        "lola",
        "mac",
        "mat",
        "may",
        "meg",
        "nan",
        "pat",
        "peg",
        "rob",
        "rod",
        "sandy",
        "sue",
        "tad",
        "tin",
        "val",
        "art",
        "ray",
        "ben",
        "dob",
        "cheque",
        "tito",
    ]
)


def variants(first_name: str) -> frozenset[str]:
    """Lower-case, accent-free forms of a first name a reply could use for the same person."""
    name = _plain(first_name)
    forms = set(_english(name)) | set(SPANISH_DIMINUTIVES.get(name, ()))
    forms |= {plain for plain, small in SPANISH_DIMINUTIVES.items() if name in small}
    if len(name) >= 3 and name[-1] in "oa":  # Juan-ito, Ana → Anita: the Spanish rule
        forms.add(name[:-1] + "it" + name[-1])
    return frozenset(f for f in forms if len(f) >= 3 and f != name)


def is_word_like(name: str) -> bool:
    plain = _plain(name)
    return plain in WORD_NICKNAMES or plain in lexicon.COMMON_WORDS


def _plain(name: str) -> str:
    return fold_accents(normalize(name).text).lower()


@lru_cache(maxsize=4096)
def _english(name: str) -> frozenset[str]:
    namer = _namer()
    return frozenset(namer.nicknames_of(name) | namer.canonicals_of(name))


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    # Imported here: only the reply check needs the table (about 6 ms to read, once).
    from nicknames import NickNamer

    return NickNamer()
