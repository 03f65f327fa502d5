from django.core.exceptions import ValidationError
from django.shortcuts import render

from .models import SurveyResponse
from .services.survey import SurveyLinkInvalid, survey_answer, survey_ticket


def survey(request, token: str):
    """Public page: the signed link is the only key."""
    try:
        ticket, resolution = survey_ticket(token)
    except SurveyLinkInvalid as exc:
        return render(request, "desk/survey.html", {"invalid": str(exc)}, status=404)
    answered = SurveyResponse.objects.filter(ticket=ticket, resolution=resolution).first()
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
