"""Plausible Chinese companies as plain data: names, addresses, people, valid credit codes and the
child rows of a customer file. Deterministic for a given seed (the benchmark and the demo rely on
it); the words come from words.py."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .. import rules
from ..choices import (
    EnterpriseType,
    Importance,
    Nature,
    Relation,
    Relationship,
    ShareholderKind,
    Status,
    Tier,
)
from .words import (
    BANKS,
    BUILDINGS,
    CAPITALS_WAN,
    CERTIFICATIONS,
    CITIES,
    CONTACT_TITLES,
    GIVEN,
    INDUSTRY_WORDS,
    LEGAL_FORMS,
    MANAGER_POSITIONS,
    MOBILE_PREFIXES,
    MUNICIPALITIES,
    PAST_REASONS,
    PROVINCE_NAMES,
    PROVINCE_SHORT,
    PROVINCE_WEIGHTS,
    ROADS,
    STEM_FIRST,
    STEM_SECOND,
    SURNAMES,
    SUSPEND_REASONS,
)

_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 forbids I, O, S, V, Z
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(body8: str) -> str:
    """GB 11714 organisation-code check character (position 17 of a credit code)."""
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _years_later(day: date, years: int) -> date:
    """The last day of a period of `years` starting on `day` (an operating period 经营期限)."""
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + years, day=28)
    return end - timedelta(days=1)


@dataclass
class CompanyData:
    """One generated company: the fields of a Customer plus its child rows, as plain data."""

    name: str
    credit_code: str
    region: str
    city: str
    fields: dict
    tags: list[str] = field(default_factory=list)
    status: str = Status.ACTIVE
    status_reason: str = ""
    has_code: bool = True
    contacts: list[dict] = field(default_factory=list)
    bank_accounts: list[dict] = field(default_factory=list)
    shareholders: list[dict] = field(default_factory=list)
    managers: list[dict] = field(default_factory=list)
    related_companies: list[dict] = field(default_factory=list)


class DemoGenerator:
    """Deterministic for a given seed. Remembers the names and credit codes it has handed out (and
    any passed in as taken), so a run never produces two files for one company."""

    def __init__(self, seed=2026, *, today: date | None = None, taken_codes=(), taken_names=()):
        self.rng = random.Random(seed)
        self.today = today or date(2026, 1, 1)
        self.codes: set[str] = set(taken_codes)
        self.names: set[str] = {rules.normalize_name(n) for n in taken_names}
        self._provinces = list(PROVINCE_WEIGHTS)
        self._province_weights = list(PROVINCE_WEIGHTS.values())
        self._others = [c for c in CITIES if c not in PROVINCE_WEIGHTS]
        self._pinyin: dict[str, tuple[str, str]] = {}

    # -- people, places, numbers ------------------------------------------------------------------
    def person_name(self) -> str:
        r = self.rng
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")
        return r.choice(SURNAMES) + given

    def province(self) -> str:
        if self.rng.random() < 0.1:
            return self.rng.choice(self._others)
        return self.rng.choices(self._provinces, self._province_weights)[0]

    def place(self, province: str | None = None) -> tuple[str, str, str, str, str]:
        """(province code, city, area code, district, 6-digit division code)."""
        province = province or self.province()
        city, area, districts = self.rng.choice(CITIES[province])
        district, division = self.rng.choice(districts)
        return province, city, area, district, division

    def address(self, province: str, city: str, district: str) -> str:
        r = self.rng
        head = PROVINCE_NAMES[province] + ("" if province in MUNICIPALITIES else f"{city}市") + district
        street = f"{r.choice(ROADS)}{r.randint(1, 999)}号"
        if r.random() < 0.4:
            street += f"{r.choice(BUILDINGS)}{r.randint(2, 28)}层"
        elif r.random() < 0.5:
            street += f"{r.randint(1, 12)}幢{r.randint(1, 6)}0{r.randint(1, 9)}室"
        return head + street

    def landline(self, area: str) -> str:
        return f"{area}-{self.rng.randint(2, 8)}{self.rng.randint(0, 9999999):07d}"

    def mobile(self) -> str:
        prefix = self.rng.choice(MOBILE_PREFIXES)
        return f"{prefix}{self.rng.randint(0, 99999999):08d}"

    def credit_code(self, division: str, *, authority: str = "9", kind: str = "1") -> str:
        """A valid unified social credit code (GB 32100-2015) registered in `division`: positions 3–8
        the division, 9–17 an organisation code with its GB 11714 check, 18 the check character."""
        r = self.rng
        while True:
            if r.random() < 0.55:  # newer codes: "MA" + 6 characters
                body = "MA" + "".join(r.choice(_ORG_ALPHABET) for _ in range(6))
            else:
                body = f"{r.randint(10000000, 99999999)}"
            first17 = f"{authority}{kind}{division}{body}{_org_code_check(body)}"
            code = first17 + rules.credit_code_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _claim_name(self, name: str) -> bool:
        key = rules.normalize_name(name)  # as stored: full-width brackets fold to ASCII
        if key in self.names:
            return False
        self.names.add(key)
        return True

    def pinyin(self, text: str, *, initials: bool = False) -> str:
        """Pinyin for e-mail addresses and domains, character by character (memoised: pypinyin is
        the slowest part of generating 100,000 companies)."""
        out = []
        for ch in text:
            if ch not in self._pinyin:
                self._pinyin[ch] = rules.name_pinyin(ch)
            out.append(self._pinyin[ch][1 if initials else 0])
        return "".join(out)

    def stem(self) -> str:
        while True:
            a, b = self.rng.choice(STEM_FIRST), self.rng.choice(STEM_SECOND)
            if a != b:
                return a + b

    def company_name(self, city: str, province: str) -> tuple[str, str, tuple, tuple]:
        """(name, stem, industry word entry, legal form entry), e.g. 杭州华夏电子科技有限公司 with the
        stem 华夏; unique per generator."""
        r = self.rng
        for _attempt in range(200):
            stem = self.stem()
            industry = r.choice(INDUSTRY_WORDS)
            form = r.choices(LEGAL_FORMS, [f[2] for f in LEGAL_FORMS])[0]
            style = r.random()
            if style < 0.72:
                name = f"{city}{stem}{industry[0]}{form[0]}"
            elif style < 0.86:
                name = f"{PROVINCE_SHORT[province]}{stem}{industry[0]}{form[0]}"
            else:
                name = f"{stem}{industry[0]}（{city}）{form[0]}"
            if self._claim_name(name):
                return name, stem, industry, form
        raise RuntimeError("company name space exhausted")

    def capital(self) -> Decimal:
        wan = self.rng.choices([c for c, _w in CAPITALS_WAN], [w for _c, w in CAPITALS_WAN])[0]
        return Decimal(wan * 10000)

    def date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    # -- a whole company ------------------------------------------------------------------------
    def company(self, *, relationship: str | None = None) -> CompanyData:
        r = self.rng
        if relationship is None:
            relationship = r.choices(
                [Relationship.BUYER, Relationship.SUPPLIER, Relationship.BOTH, Relationship.SPECIAL],
                [66, 20, 10, 4],
            )[0]
        province, city, area, district, division = self.place()
        nature = Nature.ORDINARY_COMPANY
        authority = "9"
        if relationship == Relationship.SPECIAL:
            # Special parties (001 公司客户信息管理办法 二.2): law firms (registered by judicial
            # administration, "31")
            # and accounting firms.
            stem = self.stem()
            if r.random() < 0.5:
                name, authority, industry, scope = (
                    f"{PROVINCE_SHORT[province]}{stem}律师事务所",
                    "3",
                    "L",
                    "法律服务",
                )
            else:
                name, industry, scope = (
                    f"{city}{stem}会计师事务所（特殊普通合伙）",
                    "L",
                    "审计、验资、会计咨询",
                )
            if not self._claim_name(name):
                return self.company(relationship=relationship)
            enterprise_type, nature = EnterpriseType.PARTNERSHIP, Nature.SPECIAL_COMPANY
        else:
            name, stem, (_word, industry, scope), (_form, enterprise_type, _w) = self.company_name(
                city, province
            )
            if r.random() < 0.04:
                nature = Nature.TRADING_PARTNER
            elif "集团" in name and r.random() < 0.5:
                nature, enterprise_type = Nature.SPECIAL_COMPANY, EnterpriseType.STATE_OWNED
        code = self.credit_code(division, authority=authority)
        founded = self.date_between(date(1993, 1, 1), self.today - timedelta(days=200))
        capital = self.capital()
        legal_rep = self.person_name()
        gm = legal_rep if r.random() < 0.5 else self.person_name()
        licence = self._licence_until()
        stem_pinyin = self.pinyin(stem)
        domain = r.choice(
            [
                f"{stem_pinyin}.com.cn",
                f"{stem_pinyin}{self.pinyin(city, initials=True)}.com",
                f"{stem_pinyin}-{industry.lower()}.com",
            ]
        )
        has_web = r.random() < 0.6
        authority_name = (
            f"{PROVINCE_NAMES[province]}市场监督管理局"
            if province in MUNICIPALITIES
            else f"{city}市市场监督管理局"
        )
        fields = {
            "address": self.address(province, city, district),
            "enterprise_type": enterprise_type,
            "nature": nature,
            "business_scope": scope,
            "registered_capital": capital,
            "legal_rep": legal_rep,
            "chairman": legal_rep if r.random() < 0.8 else self.person_name(),
            "general_manager": gm,
            "founded_on": founded,
            "operating_from": founded,
            "operating_to": None if r.random() < 0.5 else _years_later(founded, r.choice([20, 30, 50])),
            "licence_valid_until": licence,
            "licence_authority": authority_name,
            "certifications": "；".join(r.sample(CERTIFICATIONS, r.randint(0, 2))),
            "industry": industry,
            "relationship": relationship,
            "tier": Tier.CORE if r.random() < 0.15 else Tier.ORDINARY,
            "importance": r.choices(
                [Importance.IMPORTANT, Importance.SPECIAL, Importance.GENERAL], [15, 5, 80]
            )[0],
            "website": f"https://www.{domain}" if has_web else "",
            "email": f"info@{domain}" if has_web and r.random() < 0.7 else "",
            "phone": self.landline(area),
            "fax": self.landline(area) if r.random() < 0.3 else "",
        }
        status = r.choices(
            [Status.ACTIVE, Status.PROSPECTIVE, Status.SUSPENDED, Status.PAST], [75, 13, 7, 5]
        )[0]
        data = CompanyData(
            name=name, credit_code=code, region=province, city=city, fields=fields, status=status
        )
        if status == Status.SUSPENDED:
            data.status_reason = r.choice(SUSPEND_REASONS)
        elif status == Status.PAST:
            data.status_reason = r.choice(PAST_REASONS)
        # Approved files have a customer code; a few active ones still wait for theirs (workbench).
        data.has_code = status != Status.PROSPECTIVE and r.random() > 0.05
        data.tags = self._tags(data)
        data.contacts = [
            self._contact(area, domain, primary=(i == 0)) for i in range(r.choice([1, 1, 2, 2, 3]))
        ]
        data.bank_accounts = [
            self._bank_account(name, city, district, settlement=(i == 0))
            for i in range(r.choice([1, 1, 1, 2]))
        ]
        data.shareholders = self._shareholders(capital)
        data.managers = self._managers(legal_rep, gm)
        if r.random() < 0.1:
            data.related_companies = [self._related(province)]
        return data

    def _licence_until(self) -> date | None:
        r, today = self.rng, self.today
        roll = r.random()
        if roll < 0.05:
            return today - timedelta(days=r.randint(1, 120))  # expired
        if roll < 0.12:
            return today + timedelta(days=r.randint(0, 30))  # expires within 30 days
        if roll < 0.35:
            return None  # long-term licence (长期)
        return today + timedelta(days=r.randint(60, 365 * 15))

    def _tags(self, data: CompanyData) -> list[str]:
        r, f = self.rng, data.fields
        tags = set()
        if f["importance"] == Importance.IMPORTANT or (f["tier"] == Tier.CORE and r.random() < 0.5):
            tags.add("重点")
        if f["tier"] == Tier.CORE and r.random() < 0.3:
            tags.add("战略")
        if data.status == Status.PROSPECTIVE or f["founded_on"] > self.today - timedelta(days=730):
            tags.add("新客户")
        if "进出口" in data.name or "贸易" in data.name or r.random() < 0.05:
            tags.add("出口")
        if data.status == Status.ACTIVE and r.random() < 0.15:
            tags.add("长期合作")
        if f["enterprise_type"] == EnterpriseType.JOINT_STOCK and r.random() < 0.2:
            tags.add("上市公司")
        if f["enterprise_type"] == EnterpriseType.STATE_OWNED:
            tags.add("国企")
        return sorted(tags)

    def _contact(self, area: str, domain: str, *, primary: bool) -> dict:
        r = self.rng
        name = self.person_name()
        initials = self.pinyin(name)[:12] or "contact"
        return {
            "name": name,
            "title": r.choice(CONTACT_TITLES),
            "phone": self.landline(area) if r.random() < 0.6 else "",
            "mobile": self.mobile(),
            "email": f"{initials}@{domain}" if r.random() < 0.5 else "",
            "is_primary": primary,
        }

    def _bank_account(self, name: str, city: str, district: str, *, settlement: bool) -> dict:
        r = self.rng
        branch = district.removesuffix("区").removesuffix("市").removesuffix("街道").removesuffix("镇")
        digits = r.choice([16, 17, 19])
        return {
            "bank_name": f"{r.choice(BANKS)}{city}{branch}支行",
            "account_name": name,
            "account_no": str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(digits - 1)),
            "is_settlement": settlement,
        }

    def _shareholders(self, capital: Decimal) -> list[dict]:
        r = self.rng
        n = r.choice([1, 2, 2, 3])
        cuts = sorted(r.sample(range(5, 96), n - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        rows = []
        for pct in sorted(shares, reverse=True):
            if r.random() < 0.7:
                holder, kind = self.person_name(), ShareholderKind.PERSON
            else:
                holder, kind = (
                    f"{r.choice(list(PROVINCE_SHORT.values())[:31])}{self.stem()}投资有限公司",
                    ShareholderKind.COMPANY,
                )
            rows.append(
                {
                    "name": holder,
                    "kind": kind,
                    "share_pct": Decimal(pct),
                    "contribution_amount": (capital * pct / 100).quantize(Decimal("0.01")),
                }
            )
        return rows

    def _managers(self, legal_rep: str, gm: str) -> list[dict]:
        r = self.rng
        rows = [
            {
                "name": legal_rep,
                "position": "董事长" if legal_rep != gm else "执行董事兼总经理",
                "age": r.randint(38, 66),
            }
        ]
        if gm != legal_rep:
            rows.append({"name": gm, "position": "总经理", "age": r.randint(32, 60)})
        for position in r.sample(MANAGER_POSITIONS[1:], r.randint(0, 2)):
            rows.append(
                {
                    "name": self.person_name(),
                    "position": position,
                    "age": r.randint(28, 58),
                    "phone": self.mobile() if r.random() < 0.5 else "",
                }
            )
        return rows

    def _related(self, province: str) -> dict:
        _p, city, _a, _d, division = self.place(province)
        name, _stem, _industry, _form = self.company_name(city, province)
        relation = self.rng.choice(
            [
                Relation.PARENT,
                Relation.SUBSIDIARY,
                Relation.AFFILIATE,
                Relation.SAME_CONTROLLER,
                Relation.GUARANTOR,
            ]
        )
        return {"name": name, "credit_code": self.credit_code(division), "relation": relation}
