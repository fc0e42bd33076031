"""Filing a customer: who may be its salesperson (业务员) and how its file is numbered."""

# Why a user cannot be a file's salesperson (业务员), or None. The salesperson collects and passes on
# the customer's data (seed 001: 客户———收集———业务员传递———档案管理员; 专人负责) for the department
# that trades with it, so it is an active holder of the salesperson role in the file's department —
# not the administrator, a credit manager or someone of another department.
OWNER_INACTIVE, OWNER_OTHER_DEPARTMENT, OWNER_NOT_SALESPERSON = (
    "inactive",
    "other_department",
    "not_salesperson",
)


def owner_problem(*, is_active: bool, is_salesperson: bool, owner_department_id, department_id) -> str | None:
    if not is_active:
        return OWNER_INACTIVE
    if not is_salesperson:
        return OWNER_NOT_SALESPERSON
    if department_id is None or owner_department_id != department_id:
        return OWNER_OTHER_DEPARTMENT
    return None


def file_number(pattern: str, *, dept: str, year: int, seq: int) -> str:
    """Files are numbered by department (按部门编号, seed 000 4.2), e.g. XS1-2026-00017."""
    return pattern.format(dept=dept, year=year, seq=seq)


def file_sequence_key(dept: str, year: int) -> str:
    return f"customer.file_no:{dept}:{year}"


# --- The file's salesperson (业务员) ------------------------------------------------------------------
def may_be_salesperson_of(
    *, is_active: bool, is_salesperson: bool, department_id: int | None, file_department_id: int
) -> bool:
    """Who may be given a file: an active salesperson of the file's own department. A department keeps
    its customers' files when people change (seed 001 公司客户信息管理办法 五: when an employee leaves,
    "其业务部门会同信息部将其客户资料接收、整理、归档"), so files move within the department."""
    return is_active and is_salesperson and department_id is not None and department_id == file_department_id
