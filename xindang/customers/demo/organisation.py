"""The demo organisation: departments, one login per role (plus extra salespeople and managers)
and their shared password — created by ensure_departments() / ensure_users()."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role

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
    DemoUser("xingzhengfuzong", "高明", Role.ARCHIVE_LEADER, "ZJB"),
    DemoUser("anquan", "唐亮", Role.SECURITY_OFFICER, "IT"),
    DemoUser("shenji", "宋雅", Role.AUDITOR, "CW"),
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
    Role.ARCHIVE_LEADER: "行政人力部分管领导",
    Role.SECURITY_OFFICER: "安全保密管理员",
    Role.AUDITOR: "安全审计员",
}


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
