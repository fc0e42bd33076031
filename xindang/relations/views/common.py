from xindang.core.errors import DomainError


def form_error(form, exc: DomainError) -> None:
    """A DomainError next to its field when the form has it, else at the top."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
