"""Forms for the customer file, grouped like the paper form (UI.md). Validation here is field format;
business rules (duplicates, numbering, assignment) are enforced by services."""

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role

from . import rules
from .choices import Currency, NoticeChannel, Status, industry_choices, province_choices
from .models import BankAccount, Contact, Customer, Manager, RelatedCompany, Shareholder
from .permissions import CustomerPermission
from .services import EDITABLE_FIELDS

TAG_SPLIT = re.compile(r"[,，、;；\s]+")
WAN = Decimal(10000)

# The paper form's groups (基本资料 / 联系方式 / 分类 / 归属), in order.
FIELD_GROUPS = [
    (
        _("Basic data"),
        [
            "name",
            "credit_code",
            "enterprise_type",
            "nature",
            "registered_capital",
            "legal_rep",
            "chairman",
            "general_manager",
            "founded_on",
            "operating_from",
            "operating_to",
            "licence_valid_until",
            "licence_authority",
            "business_scope",
            "certifications",
        ],
    ),
    (
        _("Address and contact"),
        ["address", "postal_code", "region", "city", "phone", "fax", "email", "website"],
    ),
    (_("Classification"), ["relationship", "tier", "importance", "industry", "tags"]),
    (_("Responsibility"), ["department", "owner"]),
    (_("Notes"), ["notes"]),
]
WIDE_FIELDS = {"business_scope", "certifications", "notes", "address", "name"}


class CustomerForm(forms.ModelForm):
    # Text, so the licence's own words are accepted: "500万", "1072526.4万美元", "USD 10,000".
    registered_capital = forms.CharField(
        label=_("registered capital"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("A number, or as on the licence: 500万元, 1072526.4万美元, USD 10,000."),
    )
    registered_capital_unit = forms.ChoiceField(
        label=_("unit"),
        choices=[("yuan", _("yuan")), ("wan", _("10,000 yuan (万元)"))],
        initial="yuan",
        required=False,
    )
    tags = forms.CharField(
        label=_("tags"), required=False, max_length=300, help_text=_("Separate tags with commas or spaces.")
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_similar = forms.BooleanField(
        label=_("Yes, this is a different customer from the similar names listed above."),
        required=False,
    )

    class Meta:
        model = Customer
        fields = EDITABLE_FIELDS
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "operating_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "operating_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "licence_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "certifications": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].required = True
        self.fields["registered_capital_currency"].required = False
        self.fields["registered_capital_currency"].label = _("currency")
        if self.instance.pk and self.instance.registered_capital is not None:
            self.initial["registered_capital"] = f"{self.instance.registered_capital:f}"
        departments = Department.objects.filter(is_active=True)
        # The salesperson (业务员) is chosen among the salespeople of the departments offered
        # (rules.owner_problem; the service checks it again); grouped by department.
        owners = (
            User.objects.filter(is_active=True, groups__name=Role.SALESPERSON, department__isnull=False)
            .select_related("department")
            .order_by("department__code", "username")
            .distinct()
        )
        sees_all = user.is_superuser or user.has_perm(CustomerPermission.VIEW_ALL)
        if not sees_all:
            departments = departments.filter(pk=user.department_id)
            if user.has_perm(CustomerPermission.VIEW_DEPARTMENT):
                owners = owners.filter(department_id=user.department_id)
            else:
                owners = owners.filter(pk=user.pk)
        if self.instance.pk and self.instance.owner_id:
            # the file's present salesperson stays selectable (an edit that keeps it is not refused;
            # a change of salesperson or department is checked by the service)
            owners = (
                User.objects.filter(Q(pk__in=owners.values("pk")) | Q(pk=self.instance.owner_id))
                .select_related("department")
                .order_by("department__code", "username")
            )
        self.fields["department"].queryset = departments
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"
        groups: dict[str, list] = {}
        for u in owners:
            groups.setdefault(str(u.department or "—"), []).append(
                (u.pk, f"{u.get_full_name()} ({u.username})")
            )
        self.fields["owner"].choices = [("", "---------"), *groups.items()]
        if not self.instance.pk:
            self.initial.setdefault("department", user.department_id)
            self.initial.setdefault("owner", user.pk)
        else:
            self.initial["tags"] = "、".join(self.instance.tags.values_list("name", flat=True))
            self.initial["version"] = self.instance.version
        self.fields["credit_code"].widget.attrs.update({"maxlength": 18, "autocomplete": "off"})
        # code tables in the reader's language (the stored value is the code)
        for name, choices in (("industry", industry_choices()), ("region", province_choices())):
            if name in self.fields:
                self.fields[name].choices = [("", "---------"), *choices]

    def validate_unique(self):
        # Uniqueness of the credit code is a business rule with its own message and a link to the
        # existing file (services.check_duplicates), not the generic "already exists".
        pass

    def clean_credit_code(self):
        return rules.normalize_credit_code(self.cleaned_data.get("credit_code")) or None

    def clean_name(self):
        name = rules.normalize_name(self.cleaned_data.get("name", ""))
        if not name:
            raise forms.ValidationError(_("Enter the registered name."), code="required")
        return name

    def clean_tags(self):
        raw = self.cleaned_data.get("tags", "")
        tags = [t for t in TAG_SPLIT.split(raw) if t]
        if any(len(t) > 30 for t in tags):
            raise forms.ValidationError(_("A tag has at most 30 characters."), code="tag_length")
        return tags

    def clean_registered_capital_currency(self):
        return self.cleaned_data.get("registered_capital_currency") or Currency.CNY

    def clean_postal_code(self):
        return unicodedata.normalize("NFKC", self.cleaned_data.get("postal_code") or "").strip()

    def clean_registered_capital(self):
        """(amount, currency or None) from the text; the currency list applies to a bare number."""
        raw = (self.cleaned_data.get("registered_capital") or "").strip()
        try:
            amount, currency = rules.parse_capital(raw, default_currency="")
        except rules.CapitalUnitError as exc:
            raise forms.ValidationError(
                _("Unknown unit or currency “%(unit)s”: write e.g. 500万元, 1072526.4万美元 or USD 10,000."),
                code="capital_unit",
                params={"unit": exc.unit},
            ) from exc
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a number."), code="invalid") from exc
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("The registered capital cannot be negative."), code="min_value")
        return amount, currency

    def _post_clean(self):
        # The model sees the amount; the text's currency (if it names one) wins over the list.
        capital = self.cleaned_data.get("registered_capital")
        if isinstance(capital, tuple):
            amount, currency = capital
            in_wan = self.cleaned_data.get("registered_capital_unit") == "wan"
            if amount is not None and not currency and in_wan:
                amount = (amount * WAN).quantize(Decimal("0.01"))
            self.cleaned_data["registered_capital"] = amount
            if currency:
                self.cleaned_data["registered_capital_currency"] = currency
        super()._post_clean()

    def clean(self):
        data = super().clean()
        start, end = data.get("operating_from"), data.get("operating_to")
        if start and end and end < start:
            self.add_error("operating_to", _("The operating period cannot end before it starts."))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS if name in self.cleaned_data}

    def groups(self):
        """(legend, [bound fields]) in paper-form order for the template."""
        out = []
        for legend, names in FIELD_GROUPS:
            out.append((legend, [self[n] for n in names if n in self.fields]))
        return out


def _formset(model, fields, widgets=None):
    return inlineformset_factory(
        # no blank row: rows are added in place (htmx, views.child_row_add)
        Customer,
        model,
        fields=fields,
        extra=0,
        can_delete=True,
        widgets=widgets or {},
    )


CHILD_FORMSETS = {
    "contacts": (
        _("Contacts"),
        _formset(Contact, ["name", "title", "phone", "mobile", "email", "is_primary", "notes"]),
    ),
    "bank_accounts": (
        _("Bank accounts"),
        _formset(BankAccount, ["bank_name", "account_name", "account_no", "is_settlement", "notes"]),
    ),
    "shareholders": (
        _("Shareholders"),
        _formset(Shareholder, ["name", "kind", "share_pct", "contribution_amount"]),
    ),
    "managers": (_("Management"), _formset(Manager, ["name", "position", "age", "phone", "notes"])),
    "related_companies": (
        _("Related companies"),
        _formset(RelatedCompany, ["name", "credit_code", "relation", "notes"]),
    ),
}


def build_formsets(data=None, instance=None):
    instance = instance or Customer()
    return {
        key: (title, cls(data, instance=instance, prefix=key)) for key, (title, cls) in CHILD_FORMSETS.items()
    }


def formset_rows(formset) -> list[dict]:
    """Formset → plain rows for services: field values plus "id" and "DELETE"."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("id", "DELETE", "customer")}
        data["id"] = form.instance.pk
        data["DELETE"] = form.cleaned_data.get("DELETE", False)
        rows.append(data)
    return rows


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("new status"), choices=Status.choices)
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    # 004 客户信息管理制度 第十一条2(4): how and when the customer was told that trade stops.
    notified_via = forms.ChoiceField(
        label=_("customer told by"), choices=[("", "—"), *NoticeChannel.choices], required=False
    )
    notified_on = forms.DateField(
        label=_("customer told on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = rules.TRANSITIONS.get(current, set())
        self.fields["to_status"].choices = [(v, label) for v, label in Status.choices if v in allowed]
