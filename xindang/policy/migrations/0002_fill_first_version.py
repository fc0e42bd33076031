"""Version 1 of the company policy: the seeds' defaults, in force from installation."""

from django.db import migrations
from django.utils import timezone


def fill_first_version(apps, schema_editor):
    from xindang.policy.services import full_data

    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return
    PolicyVersion.objects.create(
        number=1,
        status="in_force",
        data=full_data({}),
        effective_from=timezone.now(),
        comment="默认制度（取自制度范本） / Defaults taken from the regulations",
    )


def unfill_first_version(apps, schema_editor):
    apps.get_model("policy", "PolicyVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(fill_first_version, unfill_first_version)]
