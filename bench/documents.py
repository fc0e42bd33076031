#!/usr/bin/env python
"""XinDang documents benchmark (not a test), in a throwaway database and media folder:

1. upload throughput (MB/s) of services.upload_document — sniff, SHA-256 while streaming, duplicate
   check, content-addressed write, re-read verification, rows and audit event — beside its floors
   measured in the same run: a plain shutil.copyfileobj of the same file, and SHA-256 alone;
2. the file page's documents section (htmx fragment) for a customer with 1,000 documents, and the
   global document list, as p50/p95 over repeated renders through the Django test client.

    python bench/documents.py                         # SQLite
    python bench/documents.py --engine postgresql     # database xindang_bench_docs on 127.0.0.1:5432
    python bench/documents.py --engine mysql          # database xindang_bench_docs on 127.0.0.1:3306
    python bench/documents.py --sizes 1,10,20 --uploads 5 --documents 1000 --iterations 30

Results: a table on stdout and bench/results/documents-<engine>.json.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = "xindang_bench_docs"
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=["sqlite", "postgresql", "mysql"], default="sqlite")
    p.add_argument("--sizes", default="1,10,20", help="file sizes in MB (default 1,10,20)")
    p.add_argument("--uploads", type=int, default=5, help="timed uploads per size (default 5)")
    p.add_argument(
        "--documents", type=int, default=1000, help="documents in the measured file (default 1000)"
    )
    p.add_argument("--iterations", type=int, default=30, help="timed renders per page (default 30)")
    p.add_argument("--warmup", type=int, default=3)
    return p.parse_args()


def prepare_database(engine: str, tmp: Path) -> tuple[str, callable]:
    if engine == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    if engine == "postgresql":
        import psycopg

        def admin(sql):
            with psycopg.connect(
                "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
            ) as c:
                c.execute(sql)

        admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin(f"CREATE DATABASE {BENCH_DB} ENCODING 'UTF8' TEMPLATE template0")
        return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}", lambda: admin(
            f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"
        )
    import pymysql

    def admin(sql):
        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin(f"CREATE DATABASE {BENCH_DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    return f"mysql://root@127.0.0.1:3306/{BENCH_DB}", lambda: admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["XINDANG_DEV"] = "1"
    os.environ["XINDANG_VAR_DIR"] = str(var_dir)
    os.environ["XINDANG_MEDIA_ROOT"] = str(var_dir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xindang.settings")
    import django

    django.setup()


def people():
    from django.contrib.auth.models import Group

    from xindang.accounts.models import Department, User
    from xindang.accounts.roles import Role

    dept = Department.objects.create(code="XS1", name="销售一部")
    cm = User.objects.create_user(username="bench_cm", password="x", display_name="信用经理", department=None)
    cm.groups.add(Group.objects.get(name=Role.CREDIT_MANAGER))
    sp = User.objects.create_user(username="bench_sp", password="x", display_name="业务员", department=dept)
    sp.groups.add(Group.objects.get(name=Role.SALESPERSON))
    return User.objects.get(pk=cm.pk), User.objects.get(pk=sp.pk), dept


def raise_upload_limit(by, mb: int) -> None:
    from xindang.policy import services as policy_services

    draft = policy_services.create_draft(by=by, comment="bench")
    core = {**draft.data.get("core", {}), "upload_limit_mb": max(mb, 20)}
    policy_services.update_draft_section(draft_id=draft.pk, section="core", values=core, by=by)
    policy_services.put_in_force(draft_id=draft.pk, by=by, comment="bench")


def make_file(path: Path, size: int, seed: int) -> None:
    """A PDF-looking file of `size` bytes with unique content (random body after a PDF header)."""
    rnd = __import__("random").Random(seed)
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        left = size - 15
        while left > 0:
            n = min(left, 1 << 20)
            fh.write(rnd.randbytes(n))
            left -= n


def bench_uploads(args, by, customer, tmp: Path) -> list[dict]:
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from xindang.documents import services
    from xindang.documents.models import DocumentCategory

    category = DocumentCategory.objects.get(code="balance_sheet")
    src_dir = tmp / "src"
    src_dir.mkdir()
    copy_dir = Path(os.environ["XINDANG_MEDIA_ROOT"]) / "plain-copy"
    copy_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    seed = 0
    for mb in [int(s) for s in args.sizes.split(",") if s.strip()]:
        size = mb * 1024 * 1024
        t_copy, t_hash, t_upload = [], [], []
        for i in range(args.uploads):
            seed += 1
            src = src_dir / f"{mb}-{i}.pdf"
            make_file(src, size, seed)
            # floor 1: a plain file copy of the same bytes onto the same disk
            t0 = time.perf_counter()
            with open(src, "rb") as fin, open(copy_dir / src.name, "wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
                fout.flush()
            t_copy.append(time.perf_counter() - t0)
            # floor 2: SHA-256 alone
            t0 = time.perf_counter()
            with open(src, "rb") as fin:
                digest = hashlib.sha256()
                for chunk in iter(lambda f=fin: f.read(1 << 20), b""):
                    digest.update(chunk)
            t_hash.append(time.perf_counter() - t0)
            # the upload service, from a temporary upload as Django hands it to a view (> 5 MB)
            upload = TemporaryUploadedFile(f"资产负债表-{mb}MB-{i}.pdf", "application/pdf", size, None)
            with open(src, "rb") as fin:
                shutil.copyfileobj(fin, upload.file, 1 << 20)
            upload.file.flush()
            t0 = time.perf_counter()
            services.upload_document(
                by=by,
                customer=customer,
                category=category,
                uploaded_file=upload,
                title=f"资产负债表 {mb}MB #{i}",
                confidentiality=3,
                concerns_period="2025",
            )
            t_upload.append(time.perf_counter() - t0)
            upload.close()
            src.unlink()
        rows.append(
            {
                "size_mb": mb,
                "uploads": args.uploads,
                "plain_copy_mb_s": _mb_s(mb, t_copy),
                "sha256_only_mb_s": _mb_s(mb, t_hash),
                "upload_document_mb_s": _mb_s(mb, t_upload),
                "upload_document_ms_p50": round(statistics.median(t_upload) * 1000, 1),
                "upload_vs_copy": round(statistics.median(t_upload) / statistics.median(t_copy), 2),
            }
        )
    return rows


def _mb_s(mb: int, times: list[float]) -> float:
    return round(mb / statistics.median(times), 1)


def seed_documents(customer, by, n: int) -> None:
    """n documents over every category, level and a spread of validity dates, each with one version
    (rows only: the page reads the database, not the files)."""
    import random
    from datetime import date, timedelta

    from django.utils import timezone

    from xindang.documents.models import Document, DocumentCategory, DocumentVersion

    rnd = random.Random(7)
    categories = list(DocumentCategory.objects.all())
    now = timezone.now()
    docs = []
    for i in range(n):
        cat = categories[i % len(categories)]
        valid_until = date.today() + timedelta(days=rnd.randint(-200, 2000)) if cat.has_validity else None
        docs.append(
            Document(
                customer=customer,
                category=cat,
                title=f"{cat.name} {i:04d}",
                confidentiality=rnd.choice([1, 2, 3, 3, 3]),
                retention_class="long",
                number=f"NO-{i:06d}",
                issuer="上海市市场监督管理局" if cat.group == "basic" else "",
                valid_until=valid_until,
                location=f"A柜-{i % 40}盒",
                filed_by=by,
                filed_at=now - timedelta(hours=i),
            )
        )
    Document.objects.bulk_create(docs, batch_size=500)
    docs = list(Document.objects.filter(customer=customer, version_count=0))
    versions = []
    for d in docs:
        sha = hashlib.sha256(f"doc-{d.pk}".encode()).hexdigest()
        versions.append(
            DocumentVersion(
                document=d,
                number=1,
                storage_name=f"documents/{sha[:2]}/{sha}",
                size=rnd.randint(20_000, 5_000_000),
                mime_type="application/pdf",
                sha256=sha,
                original_name=f"{d.title}.pdf",
                uploaded_by=by,
                uploaded_at=d.filed_at,
            )
        )
    DocumentVersion.objects.bulk_create(versions, batch_size=500)
    by_doc = {v.document_id: v.pk for v in DocumentVersion.objects.filter(document__customer=customer)}
    for d in docs:
        d.current_version_id = by_doc[d.pk]
        d.version_count = 1
    Document.objects.bulk_update(docs, ["current_version", "version_count"], batch_size=500)


def time_page(client, url: str, args) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmup):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(args.iterations):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)
    reset_queries()
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)] * 1000, 1),
        "queries": queries,
        "bytes": len(response.content),
    }


def main():
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xindang-bench-docs-"))
    url, cleanup = prepare_database(args.engine, tmp)
    try:
        setup_django(url, tmp)
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from xindang.customers import services as customer_services
        from xindang.customers.selectors import visible_customers

        call_command("migrate", verbosity=0)
        cm, sp, dept = people()
        raise_upload_limit(cm, max(int(s) for s in args.sizes.split(",")))

        def customer(name):
            return customer_services.create_customer(
                by=sp, data={"name": name, "department": dept, "owner": sp}, confirm_similar=True
            )

        upload_customer = customer("上传测试有限公司")
        print(f"engine {args.engine}: uploads of {args.sizes} MB, {args.uploads} each …", flush=True)
        uploads = bench_uploads(args, cm, upload_customer, tmp)

        big = customer("千件资料有限公司")
        t0 = time.perf_counter()
        seed_documents(big, cm, args.documents)
        seeded = time.perf_counter() - t0
        assert visible_customers(cm).filter(pk=big.pk).exists()
        client = Client()
        client.force_login(cm)
        pages = {
            f"documents section, {args.documents} documents (credit manager)": time_page(
                client, reverse("documents:customer_section", args=[big.pk]), args
            ),
            "document list, page 1 (credit manager)": time_page(client, reverse("documents:list"), args),
        }
        sp_client = Client()
        sp_client.force_login(sp)
        pages[f"documents section, {args.documents} documents (salesperson, level 3 only)"] = time_page(
            sp_client, reverse("documents:customer_section", args=[big.pk]), args
        )
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(
        f"{'size':>6} {'copy MB/s':>10} {'sha256 MB/s':>12} {'upload MB/s':>12} "
        f"{'upload p50 ms':>14} {'× copy':>7}"
    )
    for r in uploads:
        print(
            f"{r['size_mb']:>4}MB {r['plain_copy_mb_s']:>10} {r['sha256_only_mb_s']:>12} "
            f"{r['upload_document_mb_s']:>12} {r['upload_document_ms_p50']:>14} {r['upload_vs_copy']:>7}"
        )
    print()
    print(f"{'page':<62} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6}")
    for name, r in pages.items():
        print(f"{name:<62} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['queries']:>8} {r['bytes'] // 1024:>6}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"documents-{args.engine}.json"
    out.write_text(
        json.dumps(
            {
                "engine": args.engine,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "seed_documents_s": round(seeded, 2),
                "uploads": uploads,
                "pages": pages,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nresults: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
