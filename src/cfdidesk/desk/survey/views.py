from django.core.exceptions import ValidationError
from django.shortcuts import render

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
        try:
            answered = survey_answer(
                token=token,
                solved=request.POST.get("solved") == "yes",
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
