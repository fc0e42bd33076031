"""Customer-file rules (no database): credit codes, pinyin, names, lifecycle, numbering, search text."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from xindang.customers import rules
from xindang.customers.choices import Status
from xindang.customers.validators import validate_credit_code
from xindang.policy.sections import CoreSection

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 table 1: no I, O, S, V, Z

# --- Unified social credit code (统一社会信用代码), GB 32100-2015 --------------------------------
# Codes in the real format, published on business licences; the first is the standard's own sample.
VALID_CODES = [
    "91350100M000100Y43",  # the sample code of GB 32100-2015
    "91330100716105852F",  # 阿里巴巴（中国）有限公司 — letter check character
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司 — letter inside the organisation code
    "914403001922038216",  # 华为技术有限公司 — digit check character
    "91110000710926094P",  # 中国石油化工股份有限公司
    "91310000MA1FL1MMXL",  # a Shanghai code with letters in the organisation code
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_format_codes_pass(code):
    assert rules.credit_code_problem(code) is None
    validate_credit_code(code)  # does not raise


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "length"),  # 17 characters
        ("91350100M000100Y433", "length"),  # 19 characters
        ("", "length"),
        ("91350100M00010OY43", "characters"),  # O is not in the alphabet
        ("91350100M00010IY43", "characters"),  # I
        ("91350100M00010SY43", "characters"),  # S
        ("91350100M00010VY43", "characters"),  # V
        ("91350100M00010ZY43", "characters"),  # Z
        ("Z1350100M000100Y43", "characters"),  # forbidden letter in the authority position
        ("9135010AM000100Y43", "characters"),  # positions 3–8 are the division code: digits only
        ("91350100M000100Y4I", "characters"),  # forbidden letter as check character
        ("91350100m000100y43", "characters"),  # lower case is not a code until normalised
        ("91350100M000100Y44", "check_digit"),  # last character changed
        ("91350100M000100Y34", "check_digit"),  # adjacent characters swapped
    ],
)
def test_malformed_codes_name_their_problem(code, problem):
    assert rules.credit_code_problem(code) == problem


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),  # lower case
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),  # full width, pasted from a PDF
        (" 9135 0100 M000 100Y 43 ", "91350100M000100Y43"),  # grouped with spaces
        ("9135\u30000100M000100Y43", "91350100M000100Y43"),  # ideographic space
        ("", ""),
        (None, ""),
    ],
)
def test_input_is_normalised_before_checking(raw, normalised):
    assert rules.normalize_credit_code(raw) == normalised
    if normalised:
        validate_credit_code(raw)  # the validator normalises too: accepted


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M00010OY43", "credit_code_characters"),
        ("91350100M000100Y44", "credit_code_check_digit"),
    ],
)
def test_validator_reports_the_problem_as_its_code(code, error_code):
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(code)
    assert refused.value.code == error_code


def test_empty_code_is_left_to_the_required_check():
    validate_credit_code("")  # an optional field: blank is not a format error


def test_check_character_31_becomes_0():
    # Σ value×weight for 91110000000000025: 9×1 + 1×3 + 1×9 + 1×27 + 2×30 + 5×28 = 248 = 8×31,
    # so 31 − (248 mod 31) = 31, which the standard writes as 0 (GB 32100-2015 §4).
    assert rules.credit_code_check_char("91110000000000025") == "0"
    assert rules.credit_code_problem("911100000000000250") is None


def test_check_character_30_is_the_last_letter_y():
    # Σ for 91110000000000015 = 48 + 1×30 + 5×28 = 218 = 7×31 + 1 → 31 − 1 = 30 → "Y"
    assert rules.credit_code_check_char("91110000000000015") == "Y"


def test_check_character_needs_exactly_17_characters():
    with pytest.raises(ValueError):
        rules.credit_code_check_char("9111000000000001")


def test_province_is_read_from_the_division_code():
    assert rules.province_of_credit_code("91330100716105852F") == "33"  # 浙江
    assert rules.province_of_credit_code("91110000710926094P") == "11"  # 北京
    assert rules.province_of_credit_code("9133") == ""


def _code_bodies():
    head = st.text(ALPHABET, min_size=2, max_size=2)
    division = st.text("0123456789", min_size=6, max_size=6)
    org = st.text(ALPHABET, min_size=9, max_size=9)
    return st.builds(lambda a, b, c: a + b + c, head, division, org)


def _valid_codes():
    return _code_bodies().map(lambda body: body + rules.credit_code_check_char(body))


@given(code=_valid_codes(), position=st.integers(0, 17), replacement=st.sampled_from(ALPHABET + "IOSVZ"))
def test_every_single_character_change_is_detected(code, position, replacement):
    # The weights are distinct powers of 3 modulo the prime 31: one wrong character always changes the sum.
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    assert rules.credit_code_problem(changed) is not None


@given(code=_valid_codes(), position=st.integers(0, 16))
def test_every_adjacent_swap_before_the_check_character_is_detected(code, position):
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert rules.credit_code_problem(swapped) is not None


@given(code=_valid_codes())
def test_generated_codes_are_valid(code):
    assert rules.credit_code_problem(code) is None


# --- Pinyin search (拼音, ARCHITECTURE.md: users type hxkj for 华夏科技) ------------------------
@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("华夏科技", "huaxiakeji", "hxkj"),
        ("重庆", "chongqing", "cq"),  # polyphonic 重: chóng in the place name, not zhòng
        ("重庆长安汽车股份有限公司", "chongqingchanganqichegufenyouxiangongsi", "cqcaqcgfyxgs"),
        ("TCL科技集团股份有限公司", "tclkejijituangufenyouxiangongsi", "tclkjjtgfyxgs"),
        ("ABC科技123", "abckeji123", "abckj123"),  # Latin and digits kept, lower case
        ("华夏（北京）科技", "huaxiabeijingkeji", "hxbjkj"),  # punctuation dropped
        ("", "", ""),
    ],
)
def test_name_pinyin_gives_full_spelling_and_initials(name, full, initials):
    assert rules.name_pinyin(name) == (full, initials)


# --- Names and duplicate detection -----------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("华夏科技有限公司", "华夏科技"),
        ("华夏科技股份有限公司", "华夏科技"),
        ("华夏科技有限责任公司", "华夏科技"),
        ("华夏科技集团有限公司", "华夏科技"),  # forms are stripped repeatedly
        ("华夏科技集团", "华夏科技"),
        ("北京华夏科技（集团）有限公司", "北京华夏科技"),  # brackets and punctuation go first
        ("华夏 科技 有限公司", "华夏科技"),
        ("ＡＢＣ贸易有限公司", "abc贸易"),  # full width folded, lower case
        ("华夏机械厂", "华夏机械"),
        ("有限公司", "有限"),  # never stripped to nothing
        ("公司", "公司"),
        ("集团公司", "集团"),
    ],
)
def test_name_core_strips_legal_forms(name, core):
    assert rules.name_core(name) == core


LEGAL_FORMS = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "股份公司",
    "公司",
    "分公司",
    "合伙企业",
    "有限合伙",
    "个体工商户",
    "厂",
    "商行",
    "经营部",
]


@given(st.lists(st.sampled_from(LEGAL_FORMS), min_size=1, max_size=4))
def test_name_core_is_never_empty_for_a_name_of_legal_forms_only(forms):
    assert rules.name_core("".join(forms)) != ""


def test_names_differing_only_in_legal_form_are_the_same():
    assert rules.name_similarity("华夏科技有限公司", "华夏科技股份有限公司") == 1.0


def test_names_without_a_distinctive_part_are_not_similar():
    assert rules.name_similarity("（）", "华夏科技有限公司") == 0.0
    assert rules.name_similarity("", "") == 0.0


def test_similar_names_are_those_at_or_above_the_threshold_most_similar_first():
    # given cores 华夏科技 vs 华夏科贸 (0.75), 北京华夏科技 (0.8), 华夏科技 (1.0), 长江实业 (0)
    candidates = [
        (1, "华夏科贸有限公司"),
        (2, "北京华夏科技有限公司"),
        (3, "华夏科技股份有限公司"),
        (4, "长江实业有限公司"),
    ]
    assert rules.name_similarity("华夏科技有限公司", "华夏科贸有限公司") == pytest.approx(0.75)
    assert rules.name_similarity("华夏科技有限公司", "北京华夏科技有限公司") == pytest.approx(0.8)
    # the default threshold (0.85) keeps only the same core
    assert rules.similar_names("华夏科技有限公司", candidates, 0.85) == [(3, 1.0)]
    # at exactly a candidate's score it is included ("at or above")
    assert [cid for cid, _ in rules.similar_names("华夏科技有限公司", candidates, 0.75)] == [3, 2, 1]
    assert rules.similar_names("华夏科技有限公司", candidates, 0.8) == [(3, 1.0), (2, pytest.approx(0.8))]


def test_name_shingles_are_distinct_pieces_of_the_core():
    assert rules.name_shingles("华夏科技") == ["华夏", "夏科", "科技"]
    assert rules.name_shingles("华夏") == ["华夏"]
    assert rules.name_shingles("") == []
    assert len(rules.name_shingles("中国石油化工股份集团江苏分部")) <= 6


# --- Lifecycle (SPEC §8; seed 000 客户信息管理办法 二.8 and 三.8) --------------------------------------
# Written out on purpose: a change to rules.TRANSITIONS must be a deliberate change to this table.
# A past customer may trade again; destruction (not a status) needs "can never resume" (三.8).
ALLOWED = {
    ("prospective", "active"),  # first trade
    ("prospective", "past"),  # never came to trade
    ("active", "suspended"),  # 交易中止
    ("active", "past"),  # 交易过去: dissolved or relationship ended
    ("suspended", "active"),  # trade resumes
    ("suspended", "past"),
    ("past", "active"),  # trade resumes after all
}
STATUSES = ["prospective", "active", "suspended", "past"]


def test_the_lifecycle_covers_every_status_of_the_model():
    assert set(rules.TRANSITIONS) == set(Status.values) == set(STATUSES)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition(current, target):
    assert rules.can_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(set(itertools.product(STATUSES, STATUSES)) - ALLOWED),
)
def test_refused_transition(current, target):
    # includes every "to itself" and every way back to prospective, and active → prospective
    assert not rules.can_transition(current, target)


def test_unknown_statuses_never_transition():
    assert not rules.can_transition("destroyed", "active")
    assert not rules.can_transition("active", "destroyed")


def test_suspended_and_past_files_leave_the_default_list():
    assert set(rules.OPEN_STATUSES) == {"prospective", "active"}


# --- File numbers (按部门编号, seed 000 4.2) and search text --------------------------------------
def test_file_number_format_is_department_year_sequence():
    fmt = CoreSection().file_no_format
    assert rules.file_number(fmt, dept="XS1", year=2026, seq=17) == "XS1-2026-00017"
    assert rules.file_number(fmt, dept="XS2", year=2027, seq=1) == "XS2-2027-00001"


def test_file_number_never_truncates_a_long_sequence():
    assert (
        rules.file_number(CoreSection().file_no_format, dept="XS1", year=2026, seq=123456)
        == "XS1-2026-123456"
    )


def test_sequence_key_is_per_department_and_year():
    keys = {rules.file_sequence_key(d, y) for d in ("XS1", "XS2") for y in (2026, 2027)}
    assert len(keys) == 4


def test_search_text_holds_every_searchable_part_between_separators():
    text = rules.search_text(
        name="华夏科技有限公司", file_no="XS1-2026-00017", credit_code="91350100M000100Y43", code="KH000017"
    )
    assert text.split("|") == [
        "华夏科技有限公司",
        "huaxiakejiyouxiangongsi",
        "hxkjyxgs",
        "91350100m000100y43",
        "xs1-2026-00017",
        "kh000017",
        " 华夏 夏科 科技 技有 有限 限公 公司 ",
    ]


def test_search_text_with_no_code_yet_keeps_its_shape():
    text = rules.search_text(name="长江实业", file_no="XS2-2026-00001", credit_code=None, code=None)
    assert text.split("|") == [
        "长江实业",
        "changjiangshiye",
        "cjsy",
        "",
        "xs2-2026-00001",
        "",
        " 长江 江实 实业 ",
    ]


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("HXKJ", "hxkj"),
        (" 华夏 科技 ", "华夏科技"),
        ("ｘｓ１－２０２６", "xs1-2026"),
        ("hxkj|9135", "hxkj9135"),
        ("｜", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_search_query_is_normalised_like_the_search_text(query, normalised):
    assert rules.normalize_query(query) == normalised


def test_a_query_never_matches_across_two_fields():
    # given the search text of 华夏科技有限公司: "…|huaxiakejiyouxiangongsi|hxkjyxgs|…"
    text = rules.search_text(name="华夏科技有限公司", file_no="XS1-2026-00017", credit_code=None, code=None)
    # when a query joins the end of one field to the start of the next, with or without the separator
    for query in ("gongsi|hxkj", "gongsihxkj"):
        # then it does not match
        assert rules.normalize_query(query) not in text
    assert rules.normalize_query("HXKJ") in text


@pytest.mark.parametrize(
    "name,query,kind,pattern",
    [
        ("华夏科技", "华夏", "word", " 华夏 "),
        ("华夏科技", "hxkj", "substring", "hxkj"),
        ("华夏科技", "华夏科", "substring", "华夏科"),
        ("ABC科技", "ab", "substring", "ab"),
    ],
)
def test_two_character_chinese_query_is_matched_as_a_bigram_word(name, query, kind, pattern):
    """Two-character Chinese queries match the name's bigram words, so PostgreSQL's trigram index
    can serve them (bench/README.md); everything else is a plain substring."""
    assert rules.search_pattern(query) == (kind, pattern)
    text = rules.search_text(name=name, file_no="XS1-2026-00001", credit_code=None, code=None)
    assert pattern in text
