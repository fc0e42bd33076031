"""Checking the rows of an uploaded table with the domain code — rules, validators, the model's
full_clean, the duplicate rules — against the database as it is now, without a query per row.
Each row gets its list of problems: errors (the row is not imported) and warnings (imported only
when the user says so)."""

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xindang.accounts.models import Department, User
from xindang.core.errors import DomainError

from .. import rules
from .. import services as customer_services
from ..models import Contact, Customer
from ..permissions import CustomerPermission
from ..validators import CREDIT_CODE_MESSAGES
from .columns import COLUMNS, choice_lookup, header_key
from .errors import ImportErrorCode
from .reading import RawRow, Table, cell_text, is_blank, is_formula, parse_date, split_tags

PROGRESS_EVERY = 500  # rows between two progress reports
EPS = 1e-9  # float slack: bounds are rounded towards keeping a candidate

TEXT_FIELDS = [c.field for c in COLUMNS if c.kind == "text" and not c.field.startswith("contact_")]
CHOICE_FIELDS = [c.field for c in COLUMNS if c.kind == "choice"]
DATE_FIELDS = [c.field for c in COLUMNS if c.kind == "date"]
CONTACT_FIELDS = {"contact_name": "name", "contact_phone": "phone", "contact_mobile": "mobile"}


# --- Problems ---------------------------------------------------------------------------------------
def problem_message(problem: dict) -> str:
    """The text of a stored problem, in the language of whoever reads it."""
    code, params = problem.get("code", ""), problem.get("params") or {}
    if code == ImportErrorCode.CREDIT_CODE_INVALID and params.get("problem") in CREDIT_CODE_MESSAGES:
        return str(CREDIT_CODE_MESSAGES[params["problem"]])
    try:
        return str(ImportErrorCode(code).label) % params
    except (ValueError, KeyError, TypeError):
        return str(params.get("detail") or code)


@dataclass
class RowCheck:
    number: int
    customer: Customer | None = None
    tags: list[str] = field(default_factory=list)
    contact: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


@dataclass
class Report:
    rows: list[RowCheck]
    empty_rows: int
    headers: dict
    ignored: list[str]

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def warning_rows(self) -> int:
        return sum(1 for r in self.rows if r.warnings and not r.errors)

    @property
    def valid_rows(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.warnings)

    def importable(self, include_warnings: bool) -> list[RowCheck]:
        return [r for r in self.rows if not r.errors and (include_warnings or not r.warnings)]

    def problems(self) -> list[dict]:
        out = []
        for r in self.rows:
            out.extend(r.errors)
            out.extend(r.warnings)
        return out


def _occurrences(tokens) -> list[tuple[str, int]]:
    """The k-th occurrence of a token is a token of its own, so shared multisets become shared sets."""
    seen: Counter = Counter()
    out = []
    for token in tokens:
        out.append((token, seen[token]))
        seen[token] += 1
    return out


def _bigrams(core: str) -> list[str]:
    return [core[i : i + 2] for i in range(len(core) - 1)]


class SimilarNames:
    """Very similar names (rules.similar_names at policy.core.duplicate_name_similarity) among the
    existing files and the rows above in the file, without a query per row — complete and the same in
    every process.

    Complete. The rule's ratio is 2·M/(n+m), M the characters in difflib's k matching blocks. A pair at
    or above the threshold t has M ≥ t·(n+m)/2, so the cores share at least M characters (as
    multisets) and, since blocks are separated by unmatched characters (k − 1 ≤ n + m − 2M), at least
    M − k ≥ 3M − (n+m) − 1 two-character pieces. Whenever that is ≥ 1 (at the default 0.85, for all
    but one-character names) pairs are looked up by pieces, which are selective; otherwise by
    characters. Either way by prefix filtering (Chaudhuri et al. 2006): if two token sets share o
    tokens, the first shared token in ONE fixed order of tokens lies within the first |set| − o + 1
    tokens of each. Each core is indexed under such a prefix (o: the least overlap over every partner
    length that can reach t) and a probe looks only there, so nothing the rule scores ≥ t is missed.
    The rule then scores the candidates, highest upper bound (difflib's quick_ratio) first, until no
    other can score more.

    Deterministic: tokens are ordered by (how many names hold them, the token) — counted once from the
    names given to prime() before the first add — never by a set's order; candidates are taken in the
    order they were added and ties go to the earliest, so the hash seed changes nothing."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.labels: list[str] = []
        self.names: list[str] = []
        self.cores: list[str] = []
        self.exact: dict[str, int] = {}
        self.counts: list[Counter] = []  # characters of each core, for the quick upper bound
        # ("c" | "b", token, occurrence, length of the core) -> positions
        self.index: dict[tuple[str, str, int, int], list[int]] = defaultdict(list)
        self.frequency: Counter = Counter()
        self._frozen = False

    def prime(self, cores) -> None:
        """Count how many names hold each character and piece (existing files and the table's rows),
        so prefixes hold rare tokens and candidate lists stay short. Only an efficiency hint, but it
        must not change once names are indexed."""
        if self._frozen:
            raise RuntimeError("prime() after add()")
        for core in cores:
            self.frequency.update({("c", ch) for ch in core} | {("b", bg) for bg in _bigrams(core)})

    def _partners(self, n: int):
        """(m, kind, least overlap) for every partner length m that can reach t with length n: by
        pieces ("b") where such a pair shares at least one piece, else by characters ("c")."""
        t = self.threshold
        low = max(1, math.floor(n * t / (2 - t) - EPS))
        high = math.ceil(n * (2 - t) / t + EPS)
        for m in range(low, high + 1):
            matched = math.ceil(t * (n + m) / 2 - EPS)
            if matched > min(n, m):
                continue  # no pair of these lengths reaches t
            shared = 3 * matched - (n + m) - 1
            yield (m, "b", shared) if shared >= 1 else (m, "c", matched)

    def _ordered(self, core: str) -> dict[str, list[tuple[str, int]]]:
        out = {}
        for kind, tokens in (("b", _bigrams(core)), ("c", list(core))):
            out[kind] = sorted(_occurrences(tokens), key=lambda o, k=kind: (self.frequency[(k, o[0])], o))
        return out

    def _prefixes(self, core: str) -> list[tuple[str, str, int]]:
        """The tokens `core` is indexed under: per kind, the prefix for the least overlap over all its
        partner lengths (so that every partner's probe meets it)."""
        least: dict[str, int] = {}
        for _m, kind, overlap in self._partners(len(core)):
            least[kind] = min(least.get(kind, overlap), overlap)
        ordered = self._ordered(core)
        return [
            (kind, token, k)
            for kind, overlap in least.items()
            for token, k in ordered[kind][: max(0, len(ordered[kind]) - overlap + 1)]
        ]

    def add(self, name: str, label: str, core: str | None = None) -> None:
        core = rules.name_core(name) if core is None else core
        if not core:
            return
        self._frozen = True
        position = len(self.names)
        self.names.append(name)
        self.labels.append(label)
        self.cores.append(core)
        self.counts.append(Counter(core))
        self.exact.setdefault(core, position)
        for kind, token, k in self._prefixes(core):
            self.index[(kind, token, k, len(core))].append(position)

    def find(self, name: str, core: str | None = None) -> str | None:
        """The label of the most similar name at or above the threshold (the earliest of equals), or None."""
        core = rules.name_core(name) if core is None else core
        if not core:
            return None
        if core in self.exact:  # same distinctive name, other legal form: similarity 1.0
            return self.labels[self.exact[core]]
        t, n = self.threshold, len(core)
        # Per partner length m, the probe's prefix for exactly that pair's least overlap, looked up
        # among names of length m only.
        ordered = self._ordered(core)
        found: set[int] = set()
        for m, kind, overlap in self._partners(n):
            for token, k in ordered[kind][: max(0, len(ordered[kind]) - overlap + 1)]:
                found.update(self.index.get((kind, token, k, m), ()))
        positions = sorted(found)
        mine = Counter(core).items()
        bounded = []
        for position in positions:
            m = len(self.cores[position])
            if 2 * min(n, m) < t * (n + m) - EPS:  # the ratio cannot reach t whatever matches
                continue
            theirs = self.counts[position]
            # difflib's quick_ratio (shared characters), an upper bound of the rule's ratio
            bound = 2.0 * sum(min(c, theirs[ch]) for ch, c in mine if ch in theirs) / (n + m)
            if bound >= t:
                bounded.append((-bound, position))
        best = None  # (score, position)
        for negative_bound, position in sorted(bounded):
            if best is not None and -negative_bound < best[0]:
                break
            scored = rules.similar_names(name, [(position, self.names[position])], t)
            if scored and (best is None or (scored[0][1], -position) > (best[0], -best[1])):
                best = (scored[0][1], position)
        return self.labels[best[1]] if best else None


class RowValidator:
    """Checks rows of one table against the database as it is now (lookups loaded once)."""

    def __init__(self, *, by, policy, table: Table):
        self.by, self.policy, self.table = by, policy, table
        self.unrestricted = by.is_superuser or by.has_perm(CustomerPermission.VIEW_ALL)
        self.choices = choice_lookup()
        self.departments: dict[str, Department] = {}
        for dept in Department.objects.filter(is_active=True):
            for text in (dept.code, dept.name, dept.name_en):
                if text:
                    self.departments.setdefault(header_key(text), dept)
        self.users_by_name: dict[str, User] = {}
        self.users_by_display: dict[str, list[User]] = defaultdict(list)
        if "owner" in table.headers:
            for user in User.objects.filter(is_active=True).only(
                "id", "username", "display_name", "first_name", "last_name", "department_id"
            ):
                self.users_by_name[user.username] = user
                self.users_by_display[rules.normalize_name(user.get_full_name())].append(user)
        codes = set()
        for raw in table.rows:
            code = rules.normalize_credit_code(cell_text(raw.values.get("credit_code")))
            if code:
                codes.add(code)
        self.existing_codes: dict[str, str] = {}
        code_list = sorted(codes)
        for start in range(0, len(code_list), 500):
            chunk = code_list[start : start + 500]
            self.existing_codes.update(
                Customer.objects.filter(credit_code__in=chunk).values_list("credit_code", "file_no")
            )
        self.seen_codes: dict[str, int] = {}
        self.similar = SimilarNames(policy.core.duplicate_name_similarity)
        existing = list(Customer.objects.order_by("pk").values_list("name", "file_no", "name_core"))
        self.similar.prime(
            [core or rules.name_core(name) for name, _no, core in existing]
            + [rules.name_core(cell_text(raw.values.get("name"))) for raw in table.rows]
        )
        for name, file_no, core in existing:
            self.similar.add(name, f"{file_no} {name}", core or None)

    def _problem(self, row: RowCheck, field_name: str, code: ImportErrorCode, /, level="error", **params):
        problem = {
            "row": row.number,
            "column": self.table.headers.get(field_name, ""),
            "field": field_name,
            "code": str(code),
            "level": level,
            "params": {k: str(v) for k, v in params.items()},
        }
        (row.errors if level == "error" else row.warnings).append(problem)

    def check(self, raw: RawRow) -> RowCheck:
        row = RowCheck(raw.number)
        values = raw.values
        bad: set[str] = set()
        for name, value in values.items():
            if is_formula(value):
                self._problem(row, name, ImportErrorCode.FORMULA)
                bad.add(name)

        def get(name):
            return None if name in bad else values.get(name)

        data: dict = {name: cell_text(get(name)) for name in TEXT_FIELDS if name in values}
        if not data.get("name") and "name" not in bad:
            self._problem(row, "name", ImportErrorCode.NAME_REQUIRED)
        if not data.get("name"):
            bad.add("name")
        self._check_credit_code(row, data, get("credit_code"), bad)
        department = self._department(row, get("department"), bad)
        owner = self._owner(row, get("owner"), department, bad)
        if department is not None and owner is not None and not self.unrestricted:
            try:
                customer_services.check_assignment(by=self.by, department=department, owner=owner)
            except DomainError as exc:
                self._problem(row, exc.field or "owner", ImportErrorCode.NOT_ALLOWED, detail=exc.message)
        for name in CHOICE_FIELDS:
            text = cell_text(get(name))
            if not text:
                continue
            code = self.choices[name].get(header_key(text))
            if code is None:
                self._problem(row, name, ImportErrorCode.CHOICE_UNKNOWN, value=text)
                bad.add(name)
            else:
                data[name] = code
        if "registered_capital" in values and "registered_capital" not in bad:
            raw_capital = values["registered_capital"]
            try:
                amount, currency = rules.parse_capital(
                    None if is_blank(raw_capital) else raw_capital,
                    default_currency=data.get("registered_capital_currency") or "CNY",
                )
            except rules.CapitalUnitError as exc:
                self._problem(
                    row,
                    "registered_capital",
                    ImportErrorCode.CAPITAL_UNIT_UNKNOWN,
                    unit=exc.unit,
                    value=cell_text(raw_capital),
                )
                bad.add("registered_capital")
            except ValueError:
                self._problem(
                    row,
                    "registered_capital",
                    ImportErrorCode.NUMBER_INVALID,
                    value=cell_text(raw_capital),
                )
                bad.add("registered_capital")
            else:
                if amount is not None and amount < 0:
                    self._problem(row, "registered_capital", ImportErrorCode.NUMBER_NEGATIVE)
                    bad.add("registered_capital")
                else:
                    data["registered_capital"] = amount
                    data["registered_capital_currency"] = currency
        raw_postal = get("postal_code")
        if isinstance(raw_postal, int) and not isinstance(raw_postal, bool) and 0 <= raw_postal < 10**6:
            data["postal_code"] = f"{raw_postal:06d}"  # a number cell lost the leading zero (010000)
        postal = unicodedata.normalize("NFKC", data.get("postal_code") or "").strip()
        if postal and not rules.is_postal_code(postal):
            self._problem(row, "postal_code", ImportErrorCode.POSTAL_CODE_INVALID, value=postal)
            bad.add("postal_code")
            postal = ""
        if "postal_code" in data:
            data["postal_code"] = postal
        for name in DATE_FIELDS:
            if name not in values or name in bad:
                continue
            try:
                data[name] = parse_date(values[name])
            except (ValueError, OverflowError):
                self._problem(row, name, ImportErrorCode.DATE_INVALID, value=cell_text(values[name]))
                bad.add(name)
        row.tags = sorted({t[:30] for t in split_tags(get("tags"))})
        row.contact = {
            target: cell_text(get(source)) for source, target in CONTACT_FIELDS.items() if get(source)
        }
        customer = Customer(**{k: v for k, v in data.items() if k in customer_services.EDITABLE_FIELDS})
        customer.department, customer.owner = department, owner
        # As customers.services.refresh_search_fields() normalises them; the pinyin is computed on saving.
        customer.name = rules.normalize_name(customer.name)
        customer.name_core = rules.name_core(customer.name)
        self._full_clean(row, customer, bad, data.keys())
        if row.contact:
            self._full_clean_contact(row)
        if not row.errors:
            found = self.similar.find(customer.name, customer.name_core)
            if found:
                self._problem(row, "name", ImportErrorCode.SIMILAR_NAME, level="warning", other=found)
            self.similar.add(
                customer.name,
                _("row %(row)s: %(name)s") % {"row": row.number, "name": customer.name},
                customer.name_core,
            )
            row.customer = customer
        return row

    def _check_credit_code(self, row, data, value, bad):
        code = rules.normalize_credit_code(cell_text(value))
        data["credit_code"] = code or None
        if not code:
            return
        problem = rules.credit_code_problem(code)
        if problem:
            self._problem(row, "credit_code", ImportErrorCode.CREDIT_CODE_INVALID, problem=problem)
            bad.add("credit_code")
            return
        first = self.seen_codes.setdefault(code, row.number)
        if first != row.number:
            self._problem(row, "credit_code", ImportErrorCode.DUPLICATE_IN_FILE, row=first)
        elif code in self.existing_codes:
            self._problem(
                row, "credit_code", ImportErrorCode.DUPLICATE_CREDIT_CODE, file_no=self.existing_codes[code]
            )
        bad.add("credit_code")  # checked here; full_clean need not repeat it

    def _department(self, row, value, bad) -> Department | None:
        text = cell_text(value)
        if not text:
            if "department" not in bad:
                self._problem(row, "department", ImportErrorCode.DEPARTMENT_REQUIRED)
            return None
        department = self.departments.get(header_key(text))
        if department is None:
            self._problem(row, "department", ImportErrorCode.DEPARTMENT_UNKNOWN, value=text)
        return department

    def _owner(self, row, value, department, bad) -> User | None:
        text = cell_text(value)
        if "owner" in bad:
            return None
        if not text:
            if department is None:
                return None
            if self.by.department_id == department.pk:
                return self.by
            self._problem(row, "owner", ImportErrorCode.OWNER_REQUIRED)
            return None
        owner = self.users_by_name.get(text)
        if owner is None:
            matches = self.users_by_display.get(rules.normalize_name(text), [])
            if len(matches) > 1:
                self._problem(row, "owner", ImportErrorCode.OWNER_AMBIGUOUS, value=text)
                return None
            owner = matches[0] if matches else None
        if owner is None:
            self._problem(row, "owner", ImportErrorCode.OWNER_UNKNOWN, value=text)
            return None
        if department is not None and owner.department_id != department.pk:
            self._problem(row, "owner", ImportErrorCode.OWNER_NOT_IN_DEPARTMENT, value=text)
            return None
        return owner

    def _full_clean(self, row, customer, bad, row_fields):
        """The model's own field validation (lengths, e-mail, URL, decimal digits) of the fields the
        file gives (the others keep their valid defaults). Department and owner were resolved above;
        the constraints are covered by the checks above (no query per row)."""
        given = {"name", "credit_code", *row_fields}
        exclude = {f.name for f in Customer._meta.fields if f.name not in given} | bad
        try:
            customer.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self._problem(row, name, ImportErrorCode.INVALID, detail=" ".join(str(m) for m in messages))

    def _full_clean_contact(self, row):
        contact = Contact(is_primary=True, **row.contact)
        try:
            contact.full_clean(exclude=["customer"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            reverse = {v: k for k, v in CONTACT_FIELDS.items()}
            for name, messages in exc.message_dict.items():
                self._problem(
                    row,
                    reverse.get(name, "contact_name"),
                    ImportErrorCode.INVALID,
                    detail=" ".join(str(m) for m in messages),
                )


def validate_table(table: Table, *, by, policy, progress=None) -> Report:
    validator = RowValidator(by=by, policy=policy, table=table)
    checked = []
    total = len(table.rows)
    for index, raw in enumerate(table.rows, start=1):
        checked.append(validator.check(raw))
        if progress and index % PROGRESS_EVERY == 0:
            progress("validating", index, total)
    return Report(rows=checked, empty_rows=table.empty_rows, headers=table.headers, ignored=table.ignored)
