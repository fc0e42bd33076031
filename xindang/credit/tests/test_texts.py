"""Every reason code the rules can return has a sentence, and the sentences fill their placeholders."""

import re
from pathlib import Path

from django.utils import translation

from xindang.credit import rules
from xindang.credit.texts import REASON_TEXTS, reason_text


def rule_codes() -> set[str]:
    package = Path(rules.__file__).parent  # the rules package: every module of it
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py")))
    codes = {c for c in re.findall(r'Reason\(\s*"([a-z]+\.[a-z_.]+)"', source) if not c.endswith("_")}
    # rate() derives "b.not_" + the A condition codes
    codes |= {"b.not_" + c for c in codes if c.startswith("a.")}
    return codes


def test_every_rule_code_has_a_text():
    codes = rule_codes()
    assert len(codes) > 40
    assert codes <= set(REASON_TEXTS), sorted(codes - set(REASON_TEXTS))


def test_text_fills_params_formats_amounts_and_names_the_source():
    with translation.override("en"):
        text = reason_text(
            rules.Reason(
                "a.collections",
                "002 第十五条(6)",
                {"amount": "2400000.00", "min": "1000000.00", "source": "ledger"},
            )
        )
    assert text == (
        "Yearly collections 2,400,000.00 yuan meet the company standard of 1,000,000.00 yuan "
        "(source: trade ledger)"
    )


def test_unknown_code_falls_back_to_the_code():
    assert reason_text({"code": "z.unknown", "article": "", "params": {}}) == "z.unknown"
