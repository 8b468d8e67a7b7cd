"""The reply check sees through disguised names and words, and still leaves alone what only
looks risky (issue 27). Every finding points at the reply as it was typed."""

from __future__ import annotations

import pytest

from seo_monitor.replies import Finding, ReviewContext, lint_reply
from seo_monitor.replies.normalize import normalize


def found(reply: str, author: str | None = None, **kwargs: object) -> list[tuple[str, str]]:
    review = ReviewContext(author, "") if author else None
    findings: list[Finding] = lint_reply(reply, review, **kwargs)  # type: ignore[arg-type]
    for finding in findings:
        assert reply[finding.start : finding.end] == finding.text, finding
    return [(f.category, f.text) for f in findings]


@pytest.mark.parametrize(
    ("author", "reply", "written"),
    [
        ("Hank Rivera", "Thanks so much, H a n k, for the kind words!", "H a n k"),
        ("Hank Rivera", "Thanks so much, H.a.n.k, for the kind words!", "H.a.n.k"),
        ("Natalie Brooks", "N\u0430t\u0430lie, we appreciate the review!", "N\u0430t\u0430lie"),
        ("Kate Moore", "What a lovely note, \u039aate.", "\u039aate"),  # Greek capital kappa
        (
            "Owen Price",
            "\uff2f\uff57\uff45\uff4e, thanks for the review.",
            "\uff2f\uff57\uff45\uff4e",
        ),
        ("Jessica Lin", "J3ssica, you made our day!", "J3ssica"),
        ("Jessica Lin", "Jes\u200bsica, you made our day!", "Jes\u200bsica"),  # zero-width space
        ("Robert Klein", "Bob, thank you for the five stars!", "Bob"),
        ("Elizabeth Moreno", "We appreciate it, Liz.", "Liz"),
        ("Bob Turner", "Robert, the whole crew appreciates it.", "Robert"),
        ("Francisco Ruiz", "Nos alegra mucho leer esto, Paco.", "Paco"),
        ("José Herrera", "Pepe, muchas gracias por sus palabras.", "Pepe"),
        ("Ana Ruiz", "Muchas gracias, Anita.", "Anita"),
        ("José Herrera", "Muchas gracias, Jose.", "Jose"),  # with or without the accent
        ("Mike Tran", "M1chael, thanks for the shout-out!", "M1chael"),
        ("Susan Park", "Sue, thank you!", "Sue"),  # a word-like name said to someone
    ],
)
def test_the_reviewers_name_is_found_however_it_is_written(
    author: str, reply: str, written: str
) -> None:
    assert ("name", written) in found(reply, author)


@pytest.mark.parametrize(
    ("author", "reply"),
    [
        ("Robert Klein", "Thanks! Bob's Pharmacy next door is a great neighbor."),
        ("Katherine Lowe", "We'll share this with Katy Medical Group, our partner lab."),
        ("William Ortiz", "Questions about a bill? Our billing office can walk anyone through it."),
        ("William Ortiz", "Will we see more reviews like this? We hope so!"),
        ("Susan Park", "Please sue nobody: we read every review ourselves."),
        ("Alexander Petrov", "Thank you! Our team at Alexandria Physical Therapy appreciates it."),
        ("Grace Kim", "We're grateful for the grace our community shows us."),
        ("Иван Петров", "Thank you for your review!"),
        ("Owen Price", "Thanks for the 5 stars! We're open 7 days a week, 8am to 6pm."),
    ],
)
def test_words_that_only_look_like_the_reviewers_name_pass(author: str, reply: str) -> None:
    assert found(reply, author) == []


@pytest.mark.parametrize(
    "reply",
    [
        "Therapist Mia says you've been crushing it.",
        "dr. singh was glad to help you.",
        "Dr.Lopez enjoyed meeting you.",
        "PT Nguyen says your progress is great.",
        "Our hygienist Carla says hi to you!",
        "La Dra. Ruiz le envía saludos y le agradece su confianza.",
        "Dr. Lee was thrilled to read this.",
    ],
)
def test_a_clinicians_title_and_name_count_without_configured_staff(reply: str) -> None:
    assert "name" in {category for category, _ in found(reply)}


@pytest.mark.parametrize(
    "reply",
    [
        "Our therapists treat many conditions and would be glad to help you.",
        "Dr. Lee and the whole team thank you for the kind words!",
        "Our PT team thanks you for the review.",
        "Nurse practitioners on our team can answer your questions.",
        "We hope you visit Dr. Lee Family Dental again soon!",
    ],
)
def test_titles_that_name_no_one_in_connection_with_the_reviewer_pass(reply: str) -> None:
    assert found(reply) == []


def test_configured_staff_names_match_in_any_letter_case() -> None:
    assert found("jenna was happy to help you.", staff_names=["Jenna"]) == [("name", "jenna")]
    assert ("name", "JENNA") in found("JENNA loved working with you.", staff_names=["Jenna"])
    assert found("We hope your week is great.", staff_names=["Hope"]) == []  # a word


@pytest.mark.parametrize(
    ("reply", "written"),
    [
        ("So glad your d1abetes is under control.", "your d1abetes"),
        ("We're glad the th3rapy is helping you.", "the th3rapy"),
        ("Hope the m1graines have settled down!", "m1graines"),
        ("Glad the 4sthma is better.", "4sthma"),
        ("We hope the d e p r e s s i o n group helps you.", "d e p r e s s i o n"),
        (
            "Glad the \uff2d\uff45\uff54\uff46\uff4f\uff52\uff4d\uff49\uff4e switch helped you.",
            None,
        ),
    ],
)
def test_health_words_in_disguise_are_found(reply: str, written: str | None) -> None:
    findings = found(reply)
    assert "health" in {category for category, _ in findings}, findings
    if written:
        assert ("health", written) in findings


@pytest.mark.parametrize(
    "reply",
    [
        "Please call us back, we rang 555 987 6543 twice.",
        "The number we have is 555 987 6543.",
        "We'll text the form to 555 987 6543 as you asked.",
        "We left a message at 555 987 6543.",
        "We'll send the link to 5 5 5 9 8 7 6 5 4 3 today.",
    ],
)
def test_a_phone_number_that_is_not_the_practices_is_found(reply: str) -> None:
    assert "contact" in {category for category, _ in found(reply)}


@pytest.mark.parametrize(
    "reply",
    [
        "Please call our office at 512 555 0100 so we can help.",
        "Our main line is 512 555 0100.",
        "You can reach our front desk at 512 555 0100.",
        "Llame a nuestra oficina al 512 555 0100.",
        "Puede llamarnos al 512 555 0100 cuando guste.",
        "Questions? 512 555 0100 is our billing line.",
        "Text 5 1 2 5 5 5 0 1 0 0 anytime, we'll reply.",
    ],
)
def test_the_practices_own_number_passes_however_it_is_written(reply: str) -> None:
    assert found(reply) == []


def test_a_configured_practice_number_passes_even_next_to_a_patient_cue() -> None:
    reply = "We tried calling from 512 555 0100; please call back."
    assert found(reply, clinic_contacts=["(512) 555-0100"]) == []


@pytest.mark.parametrize(
    "reply",
    [
        "Su aseguradora nos confirmó que el deducible ya se cumplió.",
        "El copago de $25 se cobró en su tarjeta.",
        "Aetna rechazó la reclamación por un error de código.",
        "La cuenta pasó a cobranza el mes pasado.",
        "Ya le reembolsamos los $85 del copago.",
        "Revisamos la factura y el cargo doble ya fue corregido.",
        "Medicare no cubre ese tratamiento.",
    ],
)
def test_spanish_billing_and_insurance_details_are_found(reply: str) -> None:
    assert "billing" in {category for category, _ in found(reply)}


@pytest.mark.parametrize(
    "reply",
    [
        "Aceptamos la mayoría de los seguros, incluido Medicare.",
        "Si tiene dudas sobre facturas o pagos, llame a nuestra oficina.",
        "Estamos seguros de que le encantará la nueva sala de espera.",
        "El horario no cubre los domingos, pero abrimos los sábados.",
        "Ofrecemos planes de pago para quien lo necesite.",
        "¡Gracias por su reseña! Es seguro que la compartiremos con el equipo.",
    ],
)
def test_spanish_replies_about_billing_in_general_pass(reply: str) -> None:
    assert found(reply) == []


def test_spanish_dates_of_care_are_found_and_office_hours_pass() -> None:
    assert ("care_date", "jueves por la tarde") in found(
        "Sentimos la espera del jueves por la tarde."
    )
    assert found("Abrimos de lunes a viernes, de 8 a 6.") == []


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("3pm on the 2nd, 10mins, 5stars, B12", "3pm on the 2nd, 10mins, 5stars, B12"),
        ("write to c4re2@clinic.com or www.c4re.com", "write to c4re2@clinic.com or www.c4re.com"),
        ("steps 1 2 3", "steps 1 2 3"),
        ("call 5 5 5 0 1 0 0", "call 5550100"),
        ("J 0 h n", "John"),
        ("\uff2a\u043e\u0068\u006e", "John"),
    ],
)
def test_normalisation_changes_disguises_only(text: str, plain: str) -> None:
    assert normalize(text).text == plain
