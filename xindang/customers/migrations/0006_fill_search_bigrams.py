"""Recompute search_text for existing files: it now ends with the name's two-character words, so that
two-character Chinese queries can use the trigram index (see rules.name_bigram_tokens)."""

from django.db import migrations

from xindang.customers.rules import search_text


def fill_search_bigrams(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    batch = []
    for c in Customer.objects.only("pk", "name", "file_no", "credit_code", "code").iterator(chunk_size=2000):
        c.search_text = search_text(name=c.name, file_no=c.file_no, credit_code=c.credit_code, code=c.code)
        batch.append(c)
        if len(batch) >= 2000:
            Customer.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Customer.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_search_text_unbounded")]
    operations = [migrations.RunPython(fill_search_bigrams, migrations.RunPython.noop)]
