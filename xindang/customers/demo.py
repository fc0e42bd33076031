"""Demo and benchmark data: plausible Chinese companies, people, addresses and valid credit codes.

The generators (DemoGenerator) are deterministic for a given seed and produce plain data; the
seeding helpers below turn it into departments, users and customer files through a bulk path that
still respects the domain: search fields from services.refresh_search_fields, file numbers from
services.allocate_file_no inside the transaction, customer codes from the numbering sequence,
history rows written with the files. Used by `manage.py demo` and by bench/run.py only.
"""

import random
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.core import numbering
from xindang.policy.selectors import current_policy

from . import rules, services
from .choices import (
    PROVINCES,
    EnterpriseType,
    Importance,
    Nature,
    Relation,
    Relationship,
    ShareholderKind,
    Status,
    Tier,
)
from .models import BankAccount, Contact, Customer, Manager, RelatedCompany, Shareholder, StatusChange, Tag

DEMO_PASSWORD = "demo12345"
DEMO_URL = "http://127.0.0.1:8000"

# --- Organisation -------------------------------------------------------------------------------
# (code, name, English name, is a sales department)
DEPARTMENTS = [
    ("ZJB", "总经办", "General Manager's Office", False),
    ("BGS", "办公室", "Office", False),
    ("XS1", "销售一部", "Sales Dept. 1", True),
    ("XS2", "销售二部", "Sales Dept. 2", True),
    ("HD", "华东事业部", "East China Division", True),
    ("YX", "营销部", "Marketing", False),
    ("CG", "采购部", "Purchasing", False),
    ("XY", "信用管理部", "Credit Management", False),
    ("CW", "财务部", "Finance", False),
    ("DA", "档案室", "Archive Room", False),
    ("KF", "客服部", "Customer Service", False),
    ("IT", "信息技术部", "IT", False),
]
SALES_DEPARTMENTS = [code for code, _n, _e, sales in DEPARTMENTS if sales]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    department: str


# One user per role, plus extra salespeople and a manager per sales department. Purchasing (CG)
# keeps the supplier files, so its buyer has the salesperson role.
DEMO_USERS = [
    DemoUser("admin", "韩磊", Role.SYSTEM_ADMIN, "IT"),
    DemoUser("xiaoshou1", "张伟", Role.SALESPERSON, "XS1"),
    DemoUser("xiaoshou2", "黄子涵", Role.SALESPERSON, "XS1"),
    DemoUser("xiaoshou3", "林浩", Role.SALESPERSON, "XS2"),
    DemoUser("xiaoshou4", "徐佳怡", Role.SALESPERSON, "HD"),
    DemoUser("xiaoshou5", "蒋文博", Role.SALESPERSON, "HD"),
    DemoUser("caigou1", "马骏", Role.SALESPERSON, "CG"),
    DemoUser("jingli1", "王强", Role.DEPARTMENT_MANAGER, "XS1"),
    DemoUser("jingli2", "李军", Role.DEPARTMENT_MANAGER, "XS2"),
    DemoUser("jingli3", "杨帆", Role.DEPARTMENT_MANAGER, "HD"),
    DemoUser("xinyong", "赵静", Role.CREDIT_MANAGER, "XY"),
    DemoUser("dangan", "钱芳", Role.ARCHIVIST, "DA"),
    DemoUser("yingxiao", "何伟", Role.MARKETING_MANAGER, "YX"),
    DemoUser("xinkong", "吴敏", Role.FINANCE_CREDIT_CONTROLLER, "CW"),
    DemoUser("kefu", "许婷", Role.SERVICE_AGENT, "KF"),
    DemoUser("kefuzhuguan", "冯雪", Role.SERVICE_SUPERVISOR, "KF"),
    DemoUser("bangongshi", "郑红梅", Role.OFFICE_DIRECTOR, "BGS"),
    DemoUser("yingxiaofuzong", "刘海涛", Role.VP_MARKETING, "ZJB"),
    DemoUser("caiwuzongjian", "孙丽华", Role.CFO, "CW"),
    DemoUser("zongjingli", "周建国", Role.GENERAL_MANAGER, "ZJB"),
    DemoUser("dongshizhang", "陈志远", Role.CHAIRMAN, "ZJB"),
]
CREDIT_MANAGER_USERNAME = "xinyong"

# The glossary's Chinese role names, for the login table (the UI uses the translation catalogue).
ROLE_ZH = {
    Role.SALESPERSON: "业务员",
    Role.DEPARTMENT_MANAGER: "部门经理",
    Role.CREDIT_MANAGER: "信用管理员",
    Role.ARCHIVIST: "档案管理员",
    Role.MARKETING_MANAGER: "营销部经理",
    Role.FINANCE_CREDIT_CONTROLLER: "财务信用控制主管",
    Role.SERVICE_AGENT: "客服专员",
    Role.SERVICE_SUPERVISOR: "客服主管",
    Role.OFFICE_DIRECTOR: "办公室主任",
    Role.VP_MARKETING: "营销副总",
    Role.CFO: "财务总监",
    Role.GENERAL_MANAGER: "总经理",
    Role.CHAIRMAN: "董事长",
    Role.SYSTEM_ADMIN: "系统管理员",
}

# --- Geography: cities with real GB/T 2260 division codes and telephone area codes --------------
# fmt: off
# province code -> [(city, area code, [(district, 6-digit division code), …])]
CITIES: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    "11": [("北京", "010", [("朝阳区", "110105"), ("海淀区", "110108"), ("丰台区", "110106"),
                            ("大兴区", "110115"), ("顺义区", "110113")])],
    "12": [("天津", "022", [("和平区", "120101"), ("河西区", "120103"), ("滨海新区", "120116"),
                            ("西青区", "120111")])],
    "13": [("石家庄", "0311", [("长安区", "130102"), ("桥西区", "130104"), ("裕华区", "130108")])],
    "14": [("太原", "0351", [("小店区", "140105"), ("迎泽区", "140106")])],
    "15": [("呼和浩特", "0471", [("新城区", "150102"), ("赛罕区", "150105")])],
    "21": [("沈阳", "024", [("和平区", "210102"), ("沈河区", "210103"), ("浑南区", "210112")]),
           ("大连", "0411", [("中山区", "210202"), ("甘井子区", "210211")])],
    "22": [("长春", "0431", [("南关区", "220102"), ("朝阳区", "220104")])],
    "23": [("哈尔滨", "0451", [("道里区", "230102"), ("南岗区", "230103")])],
    "31": [("上海", "021", [("黄浦区", "310101"), ("徐汇区", "310104"), ("长宁区", "310105"),
                            ("闵行区", "310112"), ("嘉定区", "310114"), ("浦东新区", "310115"),
                            ("松江区", "310117")])],
    "32": [("南京", "025", [("玄武区", "320102"), ("秦淮区", "320104"), ("鼓楼区", "320106"),
                            ("江宁区", "320115")]),
           ("无锡", "0510", [("滨湖区", "320211"), ("梁溪区", "320213"), ("新吴区", "320214")]),
           ("常州", "0519", [("新北区", "320411"), ("武进区", "320412")]),
           ("苏州", "0512", [("吴中区", "320506"), ("相城区", "320507"), ("姑苏区", "320508"),
                             ("昆山市", "320583")]),
           ("南通", "0513", [("崇川区", "320602")])],
    "33": [("杭州", "0571", [("上城区", "330102"), ("拱墅区", "330105"), ("西湖区", "330106"),
                             ("滨江区", "330108"), ("萧山区", "330109"), ("余杭区", "330110")]),
           ("宁波", "0574", [("海曙区", "330203"), ("北仑区", "330206"), ("鄞州区", "330212")]),
           ("温州", "0577", [("鹿城区", "330302"), ("瓯海区", "330304")]),
           ("嘉兴", "0573", [("南湖区", "330402")]),
           ("绍兴", "0575", [("越城区", "330602"), ("柯桥区", "330603")]),
           ("金华", "0579", [("婺城区", "330702"), ("义乌市", "330782")]),
           ("台州", "0576", [("椒江区", "331002")])],
    "34": [("合肥", "0551", [("庐阳区", "340103"), ("蜀山区", "340104"), ("包河区", "340111")])],
    "35": [("福州", "0591", [("鼓楼区", "350102"), ("台江区", "350103")]),
           ("厦门", "0592", [("思明区", "350203"), ("湖里区", "350206")]),
           ("泉州", "0595", [("丰泽区", "350503"), ("晋江市", "350582")])],
    "36": [("南昌", "0791", [("东湖区", "360102"), ("红谷滩区", "360113")])],
    "37": [("济南", "0531", [("历下区", "370102"), ("市中区", "370103"), ("槐荫区", "370104")]),
           ("青岛", "0532", [("市南区", "370202"), ("市北区", "370203"), ("黄岛区", "370211")]),
           ("烟台", "0535", [("芝罘区", "370602")]),
           ("潍坊", "0536", [("奎文区", "370705")])],
    "41": [("郑州", "0371", [("中原区", "410102"), ("二七区", "410103"), ("金水区", "410105")])],
    "42": [("武汉", "027", [("江岸区", "420102"), ("江汉区", "420103"), ("武昌区", "420106"),
                            ("洪山区", "420111")])],
    "43": [("长沙", "0731", [("芙蓉区", "430102"), ("岳麓区", "430104"), ("雨花区", "430111")])],
    "44": [("广州", "020", [("越秀区", "440104"), ("海珠区", "440105"), ("天河区", "440106"),
                            ("白云区", "440111"), ("黄埔区", "440112"), ("番禺区", "440113")]),
           ("深圳", "0755", [("罗湖区", "440303"), ("福田区", "440304"), ("南山区", "440305"),
                             ("宝安区", "440306"), ("龙岗区", "440307")]),
           ("珠海", "0756", [("香洲区", "440402")]),
           ("佛山", "0757", [("禅城区", "440604"), ("南海区", "440605"), ("顺德区", "440606")]),
           ("东莞", "0769", [("南城街道", "441900"), ("长安镇", "441900")])],
    "45": [("南宁", "0771", [("青秀区", "450103"), ("西乡塘区", "450107")])],
    "46": [("海口", "0898", [("龙华区", "460106"), ("美兰区", "460108")])],
    "50": [("重庆", "023", [("渝中区", "500103"), ("江北区", "500105"), ("九龙坡区", "500107"),
                            ("渝北区", "500112")])],
    "51": [("成都", "028", [("锦江区", "510104"), ("青羊区", "510105"), ("武侯区", "510107"),
                            ("成华区", "510108"), ("双流区", "510116")])],
    "52": [("贵阳", "0851", [("南明区", "520102"), ("云岩区", "520103"), ("观山湖区", "520115")])],
    "53": [("昆明", "0871", [("五华区", "530102"), ("盘龙区", "530103"), ("官渡区", "530111")])],
    "54": [("拉萨", "0891", [("城关区", "540102")])],
    "61": [("西安", "029", [("新城区", "610102"), ("碑林区", "610103"), ("未央区", "610112"),
                            ("雁塔区", "610113")])],
    "62": [("兰州", "0931", [("城关区", "620102"), ("七里河区", "620103")])],
    "63": [("西宁", "0971", [("城西区", "630104")])],
    "64": [("银川", "0951", [("兴庆区", "640104"), ("金凤区", "640106")])],
    "65": [("乌鲁木齐", "0991", [("天山区", "650102"), ("沙依巴克区", "650103")])],
}
MUNICIPALITIES = {"11", "12", "31", "50"}
EAST_CHINA = {"31", "32", "33", "34", "35", "36", "37"}
# Where the customers are: weighted towards the coastal provinces, as a trading company's would be.
PROVINCE_WEIGHTS = {"33": 16, "32": 13, "44": 13, "31": 10, "11": 6, "37": 7, "35": 4, "34": 3, "42": 3,
                    "51": 3, "41": 3, "43": 2, "50": 2, "12": 2, "61": 2, "21": 2}
PROVINCE_NAMES = {p["code"]: p["zh"] for p in PROVINCES}
PROVINCE_SHORT = {code: re.sub(r"(壮族|回族|维吾尔)?自治区$|省$|市$", "", zh)
                  for code, zh in PROVINCE_NAMES.items()}

ROADS = ["人民路", "解放路", "中山路", "建设路", "新华路", "文化路", "和平路", "长江路", "黄河路",
         "科技路", "创业路", "工业大道", "开发大道", "滨江大道", "学院路", "胜利路", "青年路",
         "朝阳路", "东风路", "光明路", "五一路", "世纪大道", "高新大道", "望江路", "环城北路",
         "文三路", "南京路", "延安路"]
BUILDINGS = ["国际大厦", "商务中心", "科技园", "金融中心", "产业园", "创新中心", "国贸大厦", "时代广场"]

# --- Company names: region + word stem + industry word + legal form -------------------------------
STEM_FIRST = "华恒鑫宏瑞金永德信盛天中东新嘉凯博汇远通丰泰创锦正力航昌隆兴海明佳安联康诚光富顺腾奥卓"
STEM_SECOND = "夏通源达丰泰昌盛兴隆发辉宇科鼎润誉邦力诚信泽益胜祥瑞和裕宏远森晟峰川"
# (word, industry section GB/T 4754, business scope)
INDUSTRY_WORDS = [
    ("电子科技", "C", "电子元器件、电子产品的研发、生产与销售；技术咨询与服务"),
    ("机械制造", "C", "通用机械设备及零部件的制造、加工与销售"),
    ("精密机械", "C", "精密零部件、工装夹具的设计、制造与销售"),
    ("化工", "C", "化工原料及产品（不含危险化学品）的生产与销售"),
    ("新材料", "C", "高分子材料、复合材料的研发、生产与销售"),
    ("纺织", "C", "纺织品、服装面料的生产、加工与销售"),
    ("服饰", "C", "服装、鞋帽的设计、生产与销售"),
    ("食品", "C", "预包装食品、农副产品的生产与销售"),
    ("塑胶制品", "C", "塑料制品、橡胶制品的生产与销售"),
    ("五金制品", "C", "五金配件、金属制品的制造与销售"),
    ("汽车配件", "C", "汽车零部件及配件的制造与销售"),
    ("光电", "C", "光电子器件、照明器具的研发、生产与销售"),
    ("包装材料", "C", "纸制品、包装材料的生产与销售"),
    ("电气设备", "C", "输配电及控制设备、电线电缆的生产与销售"),
    ("印务", "C", "包装装潢印刷品、其他印刷品印刷"),
    ("医药", "F", "药品、医疗器械的批发与零售"),
    ("建材", "F", "建筑材料、装饰材料的批发与零售"),
    ("商贸", "F", "日用百货、五金交电、机电设备的批发与零售"),
    ("贸易", "F", "货物进出口、技术进出口；国内贸易代理"),
    ("进出口", "F", "货物及技术进出口业务；国际贸易代理"),
    ("物流", "G", "普通货物道路运输、仓储服务（不含危险品）、货物运输代理"),
    ("供应链管理", "L", "供应链管理服务；货物进出口；仓储服务"),
    ("信息技术", "I", "软件开发、信息系统集成服务、信息技术咨询服务"),
    ("软件", "I", "软件开发与销售、数据处理和存储服务"),
    ("网络科技", "I", "互联网信息服务、网络技术开发与技术服务"),
    ("建设工程", "E", "房屋建筑工程、市政公用工程施工"),
    ("装饰工程", "E", "建筑装饰装修工程设计与施工"),
    ("置业", "K", "房地产开发经营、物业管理"),
    ("环保科技", "N", "环境污染治理、环保设备的研发与销售"),
    ("新能源", "D", "太阳能发电、新能源技术开发与技术服务"),
    ("农业发展", "A", "农作物种植、农产品初加工与销售"),
    ("生物科技", "M", "生物技术研发、技术转让与技术服务"),
    ("检测技术", "M", "检验检测服务、计量服务"),
    ("餐饮管理", "H", "餐饮服务、餐饮企业管理"),
    ("广告", "L", "广告设计、制作、代理与发布"),
    ("企业管理咨询", "L", "企业管理咨询、商务信息咨询、会议及展览服务"),
    ("矿业", "B", "矿产品的开采、加工与销售"),
]
# (legal form, enterprise type, weight)
LEGAL_FORMS = [
    ("有限公司", EnterpriseType.LLC, 58),
    ("有限责任公司", EnterpriseType.LLC, 15),
    ("股份有限公司", EnterpriseType.JOINT_STOCK, 12),
    ("集团有限公司", EnterpriseType.LLC, 7),
]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
            "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶"
            "黎贺顾毛郝龚邵万钱严武戴孔汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国文辉力鹏飞斌宇浩凯婷雪琳晨阳欣"
         "怡佳子萱博思雨晓海峰志红玉兰春丹宁亮鑫彬")
CONTACT_TITLES = ["采购经理", "采购主管", "财务经理", "财务主管", "总经理助理", "销售总监",
                  "业务经理", "仓储主管", "行政主管", "出纳", "副总经理"]
MANAGER_POSITIONS = ["总经理", "副总经理", "财务总监", "生产总监", "销售总监", "技术总监"]
BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行",
         "浦发银行", "兴业银行", "中信银行", "中国民生银行", "平安银行"]
CERTIFICATIONS = ["ISO 9001 质量管理体系认证", "ISO 14001 环境管理体系认证",
                  "ISO 45001 职业健康安全管理体系认证", "高新技术企业",
                  "IATF 16949 汽车质量管理体系认证", "专精特新中小企业"]
CAPITALS_WAN = [(50, 6), (100, 12), (200, 10), (300, 8), (500, 14), (800, 6), (1000, 14), (2000, 8),
                (3000, 6), (5000, 6), (10000, 5), (20000, 3), (50000, 2)]
SUSPEND_REASONS = ["连续三个月逾期未回款，暂停发货", "客户涉及经营异常名录，暂停交易",
                   "质量纠纷未解决，暂停合作"]
PAST_REASONS = ["客户已注销", "业务调整，停止合作", "客户被吸收合并，业务转由新主体承接"]
DEMO_TAGS = ["重点", "战略", "新客户", "出口", "长期合作", "上市公司", "国企"]
# fmt: on

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
        prefix = self.rng.choice(
            [
                "133",
                "135",
                "136",
                "137",
                "138",
                "139",
                "150",
                "152",
                "158",
                "159",
                "177",
                "180",
                "186",
                "187",
                "189",
                "199",
            ]
        )
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
            # Special parties (001 二.2): law firms (registered by judicial administration, "31")
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


# --- Seeding ------------------------------------------------------------------------------------
def ensure_departments() -> dict[str, Department]:
    """The demo departments by code; existing ones (by code or name) are kept as they are."""
    result = {}
    for code, name, name_en, _sales in DEPARTMENTS:
        dept = Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
        if dept is None:
            dept = Department.objects.create(code=code, name=name, name_en=name_en)
        result[code] = dept
    return result


def ensure_users(departments: dict[str, Department], *, password: str = DEMO_PASSWORD) -> dict[str, User]:
    """The demo users by username; existing ones are left alone. The password is hashed once (Argon2 is
    slow on purpose) and the hash shared."""
    existing = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])}
    missing = [d for d in DEMO_USERS if d.username not in existing]
    if missing:
        hashed = make_password(password)
        groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
        for spec in missing:
            user = User.objects.create(
                username=spec.username,
                display_name=spec.display_name,
                password=hashed,
                department=departments.get(spec.department),
                is_staff=spec.role == Role.SYSTEM_ADMIN,
                email=f"{spec.username}@xindang.example",
            )
            user.groups.add(groups[spec.role.value])
            existing[spec.username] = user
    return existing


def sales_owners(departments: dict[str, Department], users: dict[str, User]) -> dict[str, list[User]]:
    """Salespeople by department code (who may own customer files)."""
    owners: dict[str, list[User]] = defaultdict(list)
    for spec in DEMO_USERS:
        if spec.role == Role.SALESPERSON and spec.username in users:
            owners[spec.department].append(users[spec.username])
    if not owners:
        raise RuntimeError("no demo salespeople: run ensure_users() first")
    return owners


def _pick_department(rng: random.Random, data: CompanyData, owners: dict[str, list[User]]) -> str:
    if data.fields["relationship"] == Relationship.SUPPLIER and "CG" in owners and rng.random() < 0.8:
        return "CG"
    sales = [c for c in SALES_DEPARTMENTS if c in owners] or list(owners)
    if data.region in EAST_CHINA and "HD" in sales and rng.random() < 0.45:
        return "HD"
    return rng.choice([c for c in sales if c != "HD"] or sales)


def build_customers(
    companies: list[CompanyData],
    *,
    rng: random.Random,
    departments: dict[str, Department],
    owners: dict[str, list[User]],
    now: datetime,
    policy=None,
) -> list[Customer]:
    """Unsaved Customer rows for `companies`, numbered in the caller's transaction."""
    policy = policy or current_policy()
    year_start = timezone.make_aware(datetime.combine(date(now.year, 1, 1), time(8)))
    span = max(1, int((now - year_start).total_seconds()))
    customers = []
    for data in companies:
        dept = _pick_department(rng, data, owners)
        owner = rng.choice(owners[dept])
        created = year_start + timedelta(seconds=rng.randint(0, span))
        updated = created + timedelta(seconds=rng.randint(0, max(1, int((now - created).total_seconds()))))
        c = Customer(
            name=data.name,
            credit_code=data.credit_code,
            region=data.region,
            city=data.city,
            department=departments[dept],
            owner=owner,
            status=data.status,
            created_by=owner,
            updated_by=owner,
            created_at=created,
            updated_at=updated,
            **data.fields,
        )
        if data.status in (Status.SUSPENDED, Status.PAST):
            c.status_changed_at = updated
        c._history_user = owner
        c._history_date = created
        customers.append(c)
    by_dept: dict[int, list[Customer]] = defaultdict(list)
    for c in customers:
        by_dept[c.department_id].append(c)
    for members in by_dept.values():
        for c, file_no in zip(
            members,
            services.allocate_file_no(members[0].department, policy=policy, count=len(members)),
            strict=True,
        ):
            c.file_no = file_no
    coded = [c for c, d in zip(customers, companies, strict=True) if d.has_code]
    if coded:
        first = numbering.allocate("customer.code", len(coded))
        for i, c in enumerate(coded):
            c.code = policy.core.customer_code_format.format(seq=first + i)
    for c in customers:
        services.refresh_search_fields(c)
    return customers


@contextmanager
def _keep_timestamps(model):
    """Let bulk_create store the files' own created_at/updated_at (a spread over the year) instead of
    stamping them with the current time. Only for this single-threaded seeding path."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def save_customers(
    companies: list[CompanyData],
    customers: list[Customer],
    *,
    history: bool,
    children: bool = True,
    batch_size: int = 500,
) -> None:
    """Insert the files, their tags, status changes and child rows (in the caller's transaction)."""
    with _keep_timestamps(Customer):
        Customer.objects.bulk_create(customers, batch_size=batch_size)
    if customers and customers[0].pk is None:  # backends without RETURNING (MySQL)
        ids = dict(
            Customer.objects.filter(file_no__in=[c.file_no for c in customers]).values_list("file_no", "pk")
        )
        for c in customers:
            c.pk = ids[c.file_no]
    if history:
        Customer.history.bulk_history_create(customers, batch_size=batch_size, default_change_reason="demo")
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in DEMO_TAGS}
    Through = Customer.tags.through
    Through.objects.bulk_create(
        [
            Through(customer_id=c.pk, tag_id=tags[t].pk)
            for c, d in zip(customers, companies, strict=True)
            for t in d.tags
        ],
        batch_size=batch_size,
    )
    with _keep_timestamps(StatusChange):
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    customer=c,
                    from_status=Status.ACTIVE,
                    to_status=d.status,
                    reason=d.status_reason,
                    changed_by=c.owner,
                    changed_at=c.status_changed_at,
                )
                for c, d in zip(customers, companies, strict=True)
                if d.status_reason
            ],
            batch_size=batch_size,
        )
    if not children:
        return
    for attr, model in (
        ("contacts", Contact),
        ("bank_accounts", BankAccount),
        ("shareholders", Shareholder),
        ("managers", Manager),
        ("related_companies", RelatedCompany),
    ):
        rows = []
        for c, d in zip(customers, companies, strict=True):
            for values in getattr(d, attr):
                row = model(customer=c, **values)
                row._history_user, row._history_date = c.owner, c._history_date
                rows.append(row)
        if history:
            bulk_create_with_history(rows, model, batch_size=batch_size, default_change_reason="demo")
        else:
            model.objects.bulk_create(rows, batch_size=batch_size)


def seed_customers(
    count: int,
    *,
    generator: DemoGenerator,
    departments: dict[str, Department],
    users: dict[str, User],
    history: bool = True,
    children: bool = True,
    batch_size: int = 500,
    progress=None,
    owners: dict[str, list[User]] | None = None,
) -> list[Customer]:
    """Create `count` customer files in batches, each batch in one transaction. Returns them unless
    `history` is off (the benchmark's 100k rows are not kept in memory). `owners`: salespeople by
    department code (default: the demo salespeople)."""
    owners = owners or sales_owners(departments, users)
    policy = current_policy()
    created: list[Customer] = []
    done = 0
    while done < count:
        n = min(batch_size, count - done)
        companies = [generator.company() for _ in range(n)]
        with transaction.atomic():
            customers = build_customers(
                companies,
                rng=generator.rng,
                departments=departments,
                owners=owners,
                now=timezone.now(),
                policy=policy,
            )
            save_customers(companies, customers, history=history, children=children, batch_size=batch_size)
        done += n
        if history:
            created.extend(customers)
        if progress:
            progress(done, count)
    return created


def demo_updates(
    customers: list[Customer], users: dict[str, User], *, generator: DemoGenerator, count: int = 12
) -> int:
    """Edit some files through services.update_customer (the owner adds a contact, the credit manager
    reviews them), so that their history timelines and the audit log have content."""
    editor = users.get(CREDIT_MANAGER_USERNAME)
    candidates = [c for c in customers if c.status == Status.ACTIVE]
    if editor is None or not candidates:
        return 0
    rng = generator.rng
    picked = rng.sample(candidates, min(count, len(candidates)))
    for c in picked:
        area = c.phone.split("-")[0] or "0571"
        version = services.update_customer(
            by=c.owner,
            customer_id=c.pk,
            expected_version=c.version,
            data={"phone": generator.landline(area)},
            children={
                "contacts": [
                    {
                        "name": generator.person_name(),
                        "title": rng.choice(CONTACT_TITLES),
                        "mobile": generator.mobile(),
                    }
                ]
            },
        ).customer.version
        tags = [*c.tags.values_list("name", flat=True), "重点"]
        version = services.update_customer(
            by=editor,
            customer_id=c.pk,
            expected_version=version,
            tags=tags,
            data={"importance": Importance.IMPORTANT, "notes": "季度资信复核：经营正常，回款及时。"},
        ).customer.version
        if rng.random() < 0.5:
            services.update_customer(
                by=editor, customer_id=c.pk, expected_version=version, data={"tier": Tier.CORE}
            )
    return len(picked)
