from django.core.files.storage import default_storage

from xindang.audit.models import AuditEvent
from xindang.documents import selectors, services


def test_upload_and_version_smoke(customer, salesperson, licence_category, pdf_file):
    doc = services.upload_document(
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=pdf_file(),
        title="营业执照",
        confidentiality=3,
    )
    v = doc.current_version
    assert v.mime_type == "application/pdf"
    assert default_storage.exists(v.storage_name)
    v2 = services.add_version(by=salesperson, document=doc, uploaded_file=pdf_file(text="新版"))
    assert v2.number == 2
    assert list(selectors.visible_documents(salesperson, customer)) == [doc]
    assert AuditEvent.objects.filter(action="document.upload").exists()
