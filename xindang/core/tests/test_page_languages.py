"""No text of the other language on the main pages: each page is rendered as a
suitable demo role in Chinese and in English; outside data (names, codes, numbers, citations of the
regulations) a Chinese page has no English words and an English page no Chinese characters."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .demo_site import demo_site, login_as  # noqa: F401  (the fixture)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# A citation of the regulations stays Chinese in English: "002 第十三条", "第二十四条2①", "(二)".
NUM = "一二三四五六七八九十百零〇0-9"
CITATION = re.compile(
    rf"(\d{{3}}\s*)?第[{NUM}]+[条章款项节]?([{NUM}①-⑩]*)([–\-~至、和及]\s*第?[{NUM}]+[条章款项节]?[{NUM}①-⑩]*)*"
    # a phrase of the regulation quoted right after the citation: "第二十七条 (按从低标准执行)"
    r"(\s*[（(“「][\u3400-\u9fff，、；\s]+[)）”」])?"
)
# The grades of the 甲/乙/丙 scheme are the names 004 客户信息管理制度 第九条 gives them, kept in both
# languages.
REGULATION_TERMS = re.compile(r"(?<![\u3400-\u9fff])[甲乙丙](?![\u3400-\u9fff])")
# Words that are the same in both languages: the product, file formats, currencies, units, grades.
SAME_IN_BOTH = {
    "XinDang",
    "English",
    "PDF",
    "CSV",
    "xlsx",
    "Excel",
    "API",
    "CNY",
    "USD",
    "EUR",
    "HKD",
    "JPY",
    "GBP",
    "ID",
    "IP",
    "MB",
    "KB",
    "ECharts",
    "A",
    "B",
    "C",
    "GB",
    "T",
    "ISO",
    "JSON",
    "URL",
    "SHA",
    "KH",
    "HT",
}


class _Text(HTMLParser):
    """The text a reader sees: text nodes (not script/style) and the titles, placeholders and
    labels of controls."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._stack: list[str] = []  # the skipped elements still open (their end closes the skip)

    def handle_starttag(self, tag, attrs):
        # <code>: a raw record (the audit log's details) is data, shown as stored; an element marked
        # with its own language (lang="zh-Hans": the regulation's words and articles quoted) is a quotation
        if tag in ("script", "style", "code") or (tag != "html" and dict(attrs).get("lang")):
            self._stack.append(tag)
            self._skip += 1
            return
        for name, value in attrs:
            # a control's title is its label; other titles are tooltips (a field's help on codes)
            controls = ("a", "button", "input", "select", "textarea")
            label = name in ("placeholder", "aria-label", "alt") or (name == "title" and tag in controls)
            if value and label:
                self.parts.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if self._stack and tag == self._stack[-1]:
            self._stack.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


# Models whose free text (names, addresses, notes, titles, reasons…) is data, not interface.
DATA_MODELS = [
    "customers.Customer",
    "customers.Contact",
    "customers.BankAccount",
    "customers.Shareholder",
    "customers.Manager",
    "customers.RelatedCompany",
    "customers.Tag",
    "customers.StatusChange",
    "accounts.User",
    "accounts.Department",
    "documents.Document",
    "contracts.Contract",
    "credit.Investigation",
    "credit.Rating",
    "grants.CreditGrant",
    "grants.Collateral",
    "grants.Guarantee",
    "ledger.TradeEntry",
    "collection.CollectionRecord",
    "collection.PaymentPromise",
    "collection.TradeSuspension",
    "collection.DangerReport",
    "collection.AnomalyReport",
    "collection.ProblemAccountReport",
    "approvals.ApprovalRequest",
    "approvals.ApprovalStep",
    "policy.PolicyVersion",
    "audit.AuditEvent",
    "relations.Complaint",
    "relations.Visit",
    "relations.DevelopmentPlan",
    "relations.Questionnaire",
    "relations.Question",
    "relations.SurveyCampaign",
    "relations.SurveyResponse",
    "relations.CorrectiveAction",
]


def data_strings() -> list[str]:
    """What the demo holds as free text in either language (every char/text field without choices
    of the models above); longest first, so that a name is removed before its parts."""
    from django.apps import apps
    from django.db import models

    values: set[str] = {"信档", "简体中文"}  # the brand beside its English name; the language switch
    for label in DATA_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        for row in model.objects.values_list(*names):
            values |= {v for v in row if v}
    return sorted((v for v in values if len(v) > 1), key=len, reverse=True)


CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./@:]*")


def _is_code(token: str) -> bool:
    """A file number, an address, a mail address: not words of a language."""
    return any(ch.isdigit() for ch in token) or "@" in token or "." in token.strip(".")


def foreign_text(parts: list[str], language: str, data: list[str]) -> list[str]:
    found = []
    for part in parts:
        # codes with digits first (XS1-2026-00017, TS-2026-5): a data value inside one (a year, a
        # number) must not leave its letters behind as a word
        text = (
            part if language == "en" else CODE.sub(lambda m: " " if _is_code(m.group()) else m.group(), part)
        )
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        if language == "en":
            text = CITATION.sub(" ", text)
            text = REGULATION_TERMS.sub(" ", text)
            found += CJK.findall(text)
        else:
            # words of two or more Latin letters, not part of a code with digits (XS1-2026-00017)
            for token in CODE.findall(text):
                if _is_code(token):
                    continue
                for word in re.findall(r"[A-Za-z]{2,}", token):
                    if word not in SAME_IN_BOTH:
                        found.append(word)
    return found


def _first(model_path: str, **filters):
    from django.apps import apps

    return apps.get_model(model_path).objects.filter(**filters).order_by("pk").first()


def _a_grant_approval():
    """A pending grant approval (the small demo leaves none): the data recorded as the grant service
    records it, on the demo's first customer, to be signed by the general manager."""
    from xindang.accounts.models import User
    from xindang.approvals.services import submit_request
    from xindang.customers.models import Customer

    customer = Customer.objects.order_by("pk").first()
    return submit_request(
        kind="credit.grant",
        obj=customer,
        chain=["general_manager"],
        requested_by=User.objects.get(username="xinyong"),
        title=customer.name,
        amount="80000",
        data={
            "grant": 1,
            "kind": "long_term",
            "limit_amount": "80000.00",
            "term_days": 365,
            "ceiling_amount": "120000.00",
            "grade": "B",
            "replaces": None,
        },
        customer=customer,
    )


def pages():
    """(demo user, URL) of the main pages; objects are the demo's first ones."""
    customer = _first("customers.Customer")
    approval = _a_grant_approval()
    assert approval is not None
    policy = _first("policy.PolicyVersion")
    out = [
        ("xinyong", reverse("home")),
        ("xinyong", reverse("customers:list")),
        ("xinyong", reverse("customers:detail", args=[customer.pk])),
        ("xinyong", reverse("documents:list")),
        ("xinyong", reverse("contracts:list")),
        ("xinyong", reverse("credit:list")),
        ("xinyong", reverse("grants:list")),
        ("xinyong", reverse("credit_control:reduction")),
        ("xinyong", reverse("ledger:list")),
        ("xinyong", reverse("collection:list")),
        ("xinyong", reverse("collection:ageing")),
        ("xinyong", reverse("collection:ageing") + "?by=salesperson"),
        ("xinyong", reverse("privacy:request_list")),
        ("xinyong", reverse("privacy:customer_section", args=[customer.pk])),
        ("zongjingli", reverse("approvals:list")),
        ("zongjingli", reverse("audit:list")),
        ("admin", reverse("policy:list")),
        ("bangongshi", reverse("relations:complaints")),
        ("bangongshi", reverse("relations:statistics")),
        ("bangongshi", reverse("relations:visits")),
        ("bangongshi", reverse("relations:surveys")),
    ]
    complaint = _first("relations.Complaint")
    if complaint is not None:
        out.append(("bangongshi", complaint.get_absolute_url()))
    campaign = _first("relations.SurveyCampaign")
    if campaign is not None:
        out.append(("bangongshi", campaign.get_absolute_url()))
    out.append(("zongjingli", approval.get_absolute_url()))
    if policy is not None:
        out.append(("admin", reverse("policy:detail", args=[policy.pk])))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_main_pages_have_no_text_of_the_other_language(client, demo_site, language):  # noqa: F811
    data = data_strings()
    problems = {}
    for username, url in pages():
        login_as(client, username, language)
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code)
        found = foreign_text(visible_text(response.content.decode()), language, data)
        if found:
            problems[url] = sorted(set(found))
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
