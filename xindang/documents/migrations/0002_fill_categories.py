"""The categories of SPEC §2 (seed 000 4.1.1–4.1.6; 001 客户档案的内容 1; 002 第八条), in Chinese and English.
An administrator edits the list afterwards in the admin pages."""

from django.db import migrations

# (code, name, English name, group, default retention class or "", has validity period)
CATEGORIES = [
    # 1. basic documents (基本资料, 000 4.1.1)
    ("business_licence", "营业执照", "Business licence", "basic", "", True),
    ("tax_registration", "税务登记证", "Tax registration certificate", "basic", "", True),
    ("qualification_certificate", "资质证书", "Qualification certificate", "basic", "", True),
    ("permit", "许可证", "Permit", "basic", "", True),
    ("honour", "荣誉证书", "Honour certificate", "basic", "short", False),
    # 2. credit application and investigation (000 4.1.2)
    ("credit_application", "信用申请表", "Credit application form", "credit", "", False),
    ("site_survey", "现场调查表", "Site survey form", "credit", "", False),
    ("third_party_survey", "客户相关方调查表", "Third-party survey form", "credit", "", False),
    (
        "credit_report",
        "资信调查报告或信用分析结论",
        "Credit investigation report or conclusion",
        "credit",
        "",
        False,
    ),
    # 3. financial statements, by period (000 4.1.3)
    ("balance_sheet", "资产负债表", "Balance sheet", "financial", "", False),
    ("income_statement", "利润表", "Income statement", "financial", "", False),
    ("cash_flow_statement", "现金流量表", "Cash-flow statement", "financial", "", False),
    # 4. approvals (000 4.1.4)
    ("credit_limit_table", "授信额度表", "Credit-limit approval table", "approval", "", False),
    ("credit_notice", "授信通知函", "Credit notice letter", "approval", "", False),
    # 5. after-sale management (000 4.1.5)
    ("call_record", "通话记录", "Call record", "after_sale", "", False),
    ("collection_call_record", "催账电话记录", "Collection-call record", "after_sale", "", False),
    ("reconciliation_statement", "对账单", "Reconciliation statement", "after_sale", "", False),
    ("payment_promise", "付款承诺", "Payment promise", "after_sale", "", False),
    # 6. other public material (000 4.1.6)
    ("brochure", "企业宣传材料", "Brochure", "public", "", False),
    ("web_page", "网页资料", "Web page", "public", "", False),
    ("business_card", "名片", "Business card", "public", "", False),
    # 7. contract files, one set per contract (001 客户档案的内容 1; 004 合同档案)
    ("negotiation_record", "谈判记录", "Negotiation record", "contract", "", False),
    (
        "feasibility_study",
        "可行性研究报告及报审批准文件",
        "Feasibility study, submissions and approvals",
        "contract",
        "",
        False,
    ),
    (
        "counterpart_licence",
        "对方营业执照副本复印件",
        "Counterpart's business licence (copy)",
        "contract",
        "",
        True,
    ),
    ("performance_capability", "履约能力证明资料", "Performance-capability proof", "contract", "", False),
    (
        "representative_id",
        "法定代表人或承办人身份证明及授权委托书",
        "Representatives' ID and powers of attorney",
        "contract",
        "",
        True,
    ),
    ("own_power_of_attorney", "我方授权委托书", "Our power of attorney", "contract", "", True),
    ("guarantor_documents", "担保人担保能力和主体资格证明", "Guarantor's documents", "contract", "", False),
    (
        "correspondence",
        "往来函电及视听资料",
        "Correspondence (letters, faxes, call notes, audio/video)",
        "contract",
        "",
        False,
    ),
    (
        "registration_notarisation",
        "签证、公证文书",
        "Registration and notarisation papers",
        "contract",
        "",
        False,
    ),
    (
        "contract_original",
        "合同正本、副本及变更、解除协议",
        "Contract originals, copies, amendments and termination agreements",
        "contract",
        "",
        False,
    ),
    ("acceptance_record", "标的验收记录", "Acceptance record", "contract", "", False),
    ("delivery_payment_voucher", "交接及收付凭证", "Delivery and payment vouchers", "contract", "", False),
]


def fill_categories(apps, schema_editor):
    DocumentCategory = apps.get_model("documents", "DocumentCategory")
    for order, (code, name, name_en, group, retention, validity) in enumerate(CATEGORIES, start=1):
        DocumentCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "group": group,
                "default_retention": retention,
                "has_validity": validity,
                "sort_order": order * 10,
                "is_active": True,
            },
        )


def unfill_categories(apps, schema_editor):
    DocumentCategory = apps.get_model("documents", "DocumentCategory")
    DocumentCategory.objects.filter(code__in=[c[0] for c in CATEGORIES], documents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(fill_categories, unfill_categories)]
