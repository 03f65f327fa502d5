from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from .selectors import SurveyLinkInvalid, survey_answered, survey_ticket
from .services import survey_answer


def survey(request, token: str):
    """Public page: the signed link is the only key."""
    try:
        ticket, resolution = survey_ticket(token)
    except SurveyLinkInvalid as exc:
        return render(request, "desk/survey.html", {"invalid": str(exc)}, status=404)
    answered = survey_answered(ticket=ticket, resolution=resolution)
    errors = {}
    if request.method == "POST" and answered is None:
        solved = request.POST.get("solved")
        try:
            if solved not in ("yes", "no"):  # nothing is pre-selected: the customer must say
                raise ValidationError({"solved": [_("Dinos si quedó resuelto tu problema.")]})
            answered = survey_answer(
                token=token,
                solved=solved == "yes",
                rating=request.POST.get("rating"),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict
    return render(
        request,
        "desk/survey.html",
        {
            "ticket": ticket,
            "answered": answered,
            "errors": errors,
            "ratings": range(1, 6),
            "posted": request.POST,
        },
    )
