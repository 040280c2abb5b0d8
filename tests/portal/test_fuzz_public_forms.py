"""Fuzzing the public forms with generated values, through the test client as a phone posts them.

The three forms anyone may post without an account: registration for an event (name, mobile
and the organiser's questions), the case forms (咨询 / 投诉 / 举报 / 检测鉴定: subject, business,
account of what happened, contact, photos and files) and the quiz start (name, mobile). Values
are drawn from what breaks forms: any characters (controls, NUL, RTL and zero-width marks,
emoji), very long strings, spreadsheet formulas (``=cmd|...``), HTML and script, template
syntax, mixed with ordinary values so that posts also get through. For each post:

- it ends in a saved result (302) or in the form again with Chinese errors (400), never
  anything else, within ``DEADLINE``;
- a refused post leaves every table exactly as it was;
- what was saved shows on the staff page that lists it (the case page of the service staff,
  the organiser's registration list, the quiz ranking in full) with no markup of its own: no
  script without ``src``, no ``on…`` attribute, no ``javascript:`` link, and the raw value is
  never in the page when it holds markup characters.

The captcha is in its test mode and the rate limits are cleared before each post: both are
tested elsewhere (test_captcha.py, test_cases.py). Each example is rolled back.

Each test runs ``FUZZ_EXAMPLES`` examples, about 15 s for the file. For a longer local run, set
``QUALITYMONTH_FUZZ_EXAMPLES=2000`` and run this file.
"""

from __future__ import annotations

import contextlib
import io
import operator
import os
import re
from datetime import timedelta

import lxml.html
import openpyxl
import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from qualitymonth.cases.models import Case, CaseKind
from qualitymonth.quizzes import services as quizzes
from qualitymonth.quizzes.models import Attempt
from qualitymonth.registrations import services as registrations
from qualitymonth.registrations.models import Registration
from tests.reports.conftest import photo_bytes

FUZZ_EXAMPLES = int(os.environ.get("QUALITYMONTH_FUZZ_EXAMPLES", "0")) or None
DEADLINE = timedelta(seconds=5)
CJK = re.compile(r"[\u4e00-\u9fff]")
MARKUP = set("<>&\"'")


def fuzz(examples: int):
    """``examples`` per test in CI, or QUALITYMONTH_FUZZ_EXAMPLES for all of them."""
    return settings(
        max_examples=FUZZ_EXAMPLES or examples,
        deadline=DEADLINE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# What is generated -------------------------------------------------------------------------

HOSTILE = [
    *["", " ", "\u3000", "\x00", "a\x00b", "\r\n", "\t", "\x1b[31m", "\x7f", "\ufeff"],
    *["\u202e", "\u202egnp.exe", "\u200b", "\u200f", "\u061c"],  # RTL and zero-width marks
    *["😀", "👨‍👩‍👧‍👦", "🇨🇳", "\U0010ffff", "ＡＢＣ", "質量", "𠀀𪚥"],
    *["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","点我")', "+1+1", "-2+3", "@SUM(A1)"],
    *["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"],
    *["<b>粗体</b>", "&lt;&amp;", "{{ request }}", "{% debug %}", "%s%(x)s{0}", "'; --"],
    *["../../etc/passwd", "NULL", "None", "0", "-1", "1e309", "NaN"],
]
ORDINARY = ["张三", "李四", "电动自行车", "某某车行", "浦东新区某路1号", "买后三天电池无法充电。"]

# Anything at all.
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),  # any character but surrogates, controls included
    st.builds(
        operator.mul,
        st.sampled_from(["测", "a", "😀", "\u202e", "<b>", "\x00", "=1+"]),
        st.integers(100, 5000),
    ),
    st.lists(st.sampled_from(HOSTILE + ORDINARY) | st.text(max_size=5), max_size=6).map("".join),
)
# What a form should take and save: markup, formulas, emoji, marks, but no control characters
# and nothing longer than a field holds.
savable = st.one_of(
    st.sampled_from(ORDINARY),
    st.sampled_from([v for v in HOSTILE if v.strip() and v.isprintable()]),
    st.sampled_from([v for v in HOSTILE if MARKUP & set(v)]),  # often: what must be escaped
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40).filter(
        str.strip
    ),
    # pasted from Word and the like: vertical tabs, backspaces, escapes among the words
    st.lists(st.sampled_from(ORDINARY) | st.sampled_from("\x0b\x08\x1b\x7f\x85"), max_size=5).map(
        "".join
    ),
)
valid_mobile = st.from_regex(r"\A(\+86)? ?1[3-9][0-9] ?[0-9]{4}[ -]?[0-9]{4}\Z")


@st.composite
def form_values(draw, fields: dict):
    """A value for each field: one a form should take, except in up to two fields drawn from
    anything at all (none at all for a good share of examples, so posts get through)."""
    broken = draw(st.sets(st.sampled_from(sorted(fields)), max_size=2))
    return {name: draw(text if name in broken else fields[name]) for name in sorted(fields)}


# File names a phone or a PC sends (the test client cannot encode quotes or line breaks in a
# multipart header, so those stay out; everything else is in).
file_name = st.builds(
    operator.add,
    st.text(st.characters(exclude_characters='"\\\r\n', exclude_categories=["Cs"]), max_size=30),
    st.sampled_from([".jpg", ".JPG", ".png", ".heic", ".pdf", ".exe", "", ".jpg.exe"]),
)
file_bytes = st.one_of(
    st.just(photo_bytes(1, size=(32, 24))),
    st.binary(max_size=2000),
    st.just(photo_bytes(2, size=(32, 24))[:300]),  # a truncated JPEG
    st.just(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"),
)
uploads = st.lists(st.tuples(file_name, file_bytes), max_size=2)


# The checks --------------------------------------------------------------------------------


def snapshot() -> dict[str, list]:
    """Every row of every table."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def post_and_check(client, url: str, data: dict) -> bool:
    """Post ``data``; True when it was saved, after checking a refusal changed nothing and
    said why in Chinese."""
    cache.clear()  # the rate limits are not what is fuzzed here
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code in (302, 400), response.status_code
    event("saved" if response.status_code == 302 else "refused")  # --hypothesis-show-statistics
    if response.status_code == 302:
        return True
    page = lxml.html.fromstring(response.content.decode())
    errors = [e.text_content().strip() for e in page.xpath("//*[contains(@class, 'errorlist')]/li")]
    assert errors and all(CJK.search(error) for error in errors), errors
    assert snapshot() == before
    return False


@contextlib.contextmanager
def rolled_back():
    """Each example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_shown_safely(response, values) -> None:
    """The staff page opens and carries none of the values' markup, whatever they held."""
    assert response.status_code == 200
    source = response.content.decode()
    page = lxml.html.fromstring(source)
    assert not page.xpath("//script[not(@src)]")
    for element in page.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src"):
                assert not value.strip().lower().startswith("javascript:")
    for value in values:
        if isinstance(value, str) and MARKUP & set(value) and len(value.strip()) > 1:
            assert value not in source


def assert_exported(response) -> None:
    """The staff's .xlsx export of what was saved opens."""
    assert response.status_code == 200
    openpyxl.load_workbook(io.BytesIO(b"".join(response))).close()


@pytest.fixture
def staff_client(db):
    return Client()


# Registration ------------------------------------------------------------------------------


@pytest.fixture
def open_event(make_event):
    questions = registrations.parse_questions("*年龄段：18岁以下/18-60岁/60岁以上\n工作单位")
    return make_event(capacity=1000, questions=questions)


@fuzz(30)
@given(
    values=form_values(
        {
            "name": savable,
            "mobile": valid_mobile,
            "q1": st.sampled_from(["18岁以下", "18-60岁", "60岁以上"]),  # *年龄段, a choice
            "q2": st.one_of(st.just(""), savable),  # 工作单位, free text
        }
    )
)
def test_registration_takes_any_values_safely(
    client, staff_client, open_event, reporter, captcha_test_mode, values
):
    data = {**values, "captcha_0": "x", "captcha_1": captcha_test_mode}
    with rolled_back():
        if post_and_check(client, reverse("portal:event", args=[open_event.pk]), data):
            assert Registration.objects.filter(event=open_event).count() == 1
            staff_client.force_login(reporter)
            page = staff_client.get(reverse("registrations:manage", args=[open_event.pk]))
            assert_shown_safely(page, values.values())
            assert_exported(staff_client.get(reverse("registrations:export", args=[open_event.pk])))


# Cases -------------------------------------------------------------------------------------

CASE_TEXT_FIELDS = ["subject", "business_name", "business_address", "description", "contact_name"]


@fuzz(40)
@given(
    kind=st.sampled_from(CaseKind.values),
    values=form_values(
        {
            **dict.fromkeys(CASE_TEXT_FIELDS, savable),
            "mobile": valid_mobile,
            "id_number": st.sampled_from(["", "11010519491231002X", "11010519491231002x"]),
        }
    ),
    photos=st.one_of(st.just([]), uploads),
    files=st.one_of(st.just([]), uploads),
)
@example(  # found here: a vertical tab pasted from Word broke the staff's case export
    kind="complaint",
    values={
        **dict.fromkeys(CASE_TEXT_FIELDS, "张三"),
        "subject": "张三\x0b张三",
        "mobile": "13000000000",
        "id_number": "",
    },
    photos=[],
    files=[],
)
def test_case_forms_take_any_values_safely(
    client, staff_client, service, captcha_test_mode, kind, values, photos, files
):
    data = {**values, "captcha_0": "x", "captcha_1": captcha_test_mode}
    sent = {
        "photos": [SimpleUploadedFile(n or "x", b, "image/jpeg") for n, b in photos],
        "files": [SimpleUploadedFile(n or "x", b, "application/octet-stream") for n, b in files],
    }
    with rolled_back():
        if post_and_check(client, reverse("portal:case_new", args=[kind]), {**data, **sent}):
            case = Case.objects.get()
            staff_client.force_login(service)
            for url in (reverse("cases:detail", args=[case.pk]), reverse("cases:list")):
                assert_shown_safely(
                    staff_client.get(url), [*values.values(), *(n for n, _ in photos)]
                )
            assert_exported(staff_client.get(reverse("cases:export")))


# Quiz start --------------------------------------------------------------------------------


@fuzz(30)
@given(values=form_values({"name": savable, "mobile": valid_mobile}))
def test_quiz_start_takes_any_values_safely(
    client, staff_client, quiz, reporter, captcha_test_mode, values
):
    data = {**values, "captcha_0": "x", "captcha_1": captcha_test_mode}
    with rolled_back():
        if post_and_check(client, reverse("quizzes:public_quiz", args=[quiz.pk]), data):
            quizzes.finish_attempt(Attempt.objects.get(quiz=quiz))
            staff_client.force_login(reporter)
            page = staff_client.post(reverse("quizzes:reveal", args=[quiz.pk]))  # names in full
            assert_shown_safely(page, values.values())
            assert_exported(staff_client.get(reverse("quizzes:export", args=[quiz.pk])))
