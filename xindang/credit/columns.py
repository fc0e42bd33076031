"""Credit's columns of the customer list (customers.columns): the grade in force, the limit of the
grant in force, utilisation (exposure / limit) and the date of the last reviewed investigation."""

from django.db.models import ExpressionWrapper, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from xindang.customers.columns import DATE, GRADE, MONEY, PERCENT, ListColumn, register_list_column
from xindang.ledger.columns import exposure_expression

from .grants.permissions import GrantPermission
from .grants.selectors import in_force_limit_expression
from .models import Investigation, InvestigationStatus, Rating, RatingStatus
from .permissions import CreditPermission


def _grade(today) -> dict:
    rating = Rating.objects.filter(customer_id=OuterRef("pk"), status=RatingStatus.APPROVED)
    return {"grade": Subquery(rating.order_by("-effective_at", "-id").values("grade")[:1])}


def limit_expression(today):
    return in_force_limit_expression(today)


def _utilisation(today) -> dict:
    """Exposure as a percentage of the limit (grants.rules.utilisation_percent); none without a limit."""
    exposure = Cast(exposure_expression(), FloatField())
    limit = NullIf(Cast(limit_expression(today), FloatField()), Value(0.0))
    return {"utilisation": ExpressionWrapper(exposure * Value(100.0) / limit, output_field=FloatField())}


def _last_investigation(today) -> dict:
    reviewed = Investigation.objects.filter(customer_id=OuterRef("pk"), status=InvestigationStatus.REVIEWED)
    return {
        "last_investigated_on": Subquery(
            reviewed.order_by("-investigated_on", "-id").values("investigated_on")[:1]
        )
    }


def register_list_columns() -> None:
    register_list_column(
        ListColumn(
            "grade",
            _("Grade"),
            annotate=_grade,
            kind=GRADE,
            permission=CreditPermission.VIEW_RATING,
            sort="grade",
            default=True,
            order=10,
        )
    )
    register_list_column(
        ListColumn(
            "limit_amount",
            _("Credit limit"),
            annotate=lambda today: {"limit_amount": limit_expression(today)},
            kind=MONEY,
            permission=GrantPermission.VIEW,
            sort="limit_amount",
            param="limit",
            default=True,
            order=20,
        )
    )
    register_list_column(
        ListColumn(
            "utilisation",
            _("Utilisation"),
            annotate=_utilisation,
            kind=PERCENT,
            permission=GrantPermission.VIEW,
            sort="utilisation",
            default=True,
            order=40,
        )
    )
    register_list_column(
        ListColumn(
            "last_investigated_on",
            _("Last investigation"),
            annotate=_last_investigation,
            kind=DATE,
            permission=CreditPermission.VIEW,
            sort="last_investigated_on",
            param="investigated",
            default=True,
            order=70,
        )
    )
