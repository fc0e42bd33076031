#!/usr/bin/env python
"""The customer pages' CPU time in this process (Python's side: session, middleware, permissions,
view, template; not the database's), which a busy machine slows far less than the wall time, with
the wall time beside it. Against a database kept by `bench/run.py --keep` (same users, terms, files):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xindang_bench python bench/page_cpu.py
    N=50 HISTORY=1 DATABASE_URL=… python bench/page_cpu.py   # 50 requests a page; file + its history
    CREDIT=0 DATABASE_URL=… python bench/page_cpu.py         # without the credit pages
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xindang.settings")
import django  # noqa: E402

django.setup()
import run as bench  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from xindang.accounts.models import User  # noqa: E402
from xindang.customers.demo.organisation import CREDIT_MANAGER_USERNAME  # noqa: E402
from xindang.customers.models import Customer  # noqa: E402

users = {
    "credit manager": User.objects.get(username=CREDIT_MANAGER_USERNAME),
    "salesperson": User.objects.get(username=bench.SMALL_SALESPERSON),
}
N = int(os.environ.get("N", "20"))
# the credit pages of the salesperson's measured files, as bench/run.py prepares them (kept data: done)
credit_ids = bench.pick_terms(users["salesperson"], random.Random("terms:salesperson"))["ids"]
approvals = bench.prepare_credit(Customer.objects.filter(pk__in=credit_ids), users["salesperson"])
for who, u in users.items():
    t = bench.pick_terms(u, random.Random(f"terms:{who}"))
    c = Client()
    c.force_login(u)
    pages = {
        "list": ["/customers/"],
        "search: name fragment": [f"/customers/?q={x}&status=all" for x in t["fragments"]],
        "search: credit code": [f"/customers/?q={x}&status=all" for x in t["codes"]],
        "file": [f"/customers/{x}/" for x in t["ids"]],
    }
    if os.environ.get("CREDIT", "1") == "1":
        pages["grant request"] = [reverse("grants:request", args=[x]) for x in credit_ids]
        pages["credit control"] = [reverse("credit_control:customer", args=[x]) for x in credit_ids]
        pages["approval"] = [reverse("approvals:detail", args=[x]) for x in approvals]
        pages["ageing"] = [reverse("collection:ageing")]
    if os.environ.get("HISTORY"):
        pages["file + history"] = [(f"/customers/{x}/", f"/customers/{x}/history/") for x in t["ids"]]
    for name, urls in pages.items():
        cpu, wall = [], []
        for i in range(N + 3):
            u_ = urls[i % len(urls)]
            u_ = u_ if isinstance(u_, tuple) else (u_,)
            c0, w0 = time.process_time(), time.perf_counter()
            for x in u_:
                assert c.get(x).status_code == 200
            if i >= 3:
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
        print(
            f"{name:24s} {who:15s} cpu p50 {statistics.median(cpu):6.1f} ms",
            f"  wall p50 {statistics.median(wall):6.1f} ms",
            flush=True,
        )
print("load", os.getloadavg())
