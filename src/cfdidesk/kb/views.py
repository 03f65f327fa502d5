from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cfdidesk.accounts.access import require_capability
from cfdidesk.accounts.roles import has_capability
from cfdidesk.audit.selectors import audit_for
from cfdidesk.core.forms import add_errors
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import id_param, page_param
from cfdidesk.desk.access import get_ticket_for

from . import selectors, services
from .access import get_article_for, get_article_for_edit, get_public_article
from .forms import ArticleForm
from .models import BODY_MAX, Article, State, Visibility
from .rendering import render_markdown

PAGE_SIZE = 25


def _list_params(request, *, staff: bool) -> dict:
    params = {
        "q": request.GET.get("q", "").strip()[:100],
        "categoria": id_param(request.GET.get("categoria")),
    }
    if staff:
        visibility, state = request.GET.get("visibilidad", ""), request.GET.get("estado", "")
        params["visibilidad"] = visibility if visibility in Visibility.values else ""
        params["estado"] = state if state in State.values else ""
    return params


@require_capability("kb.view")
def article_list(request):
    params = _list_params(request, staff=True)
    articles = selectors.article_search(
        query=params["q"],
        category=params["categoria"],
        visibility=params["visibilidad"] or None,
        state=params["estado"] or None,
    ).defer(*selectors.HEAVY_COLUMNS)
    page = page_of(articles, number=page_param(request.GET.get("pagina")), size=PAGE_SIZE)
    context = {
        "page": page,
        "params": params,
        "query": params["q"],
        "categories": selectors.categories(),
        "visibilities": Visibility.choices,
        "states": State.choices,
        "can_edit": has_capability(request.user, "kb.edit"),
        "filtered": any(params[k] for k in ("categoria", "visibilidad", "estado")),
    }
    partial = request.htmx and request.htmx.target == "article-results"
    return render(
        request, "kb/_article_results.html" if partial else "kb/article_list.html", context
    )


def _form_page(request, form: ArticleForm, article: Article | None = None):
    body = form["body"].value() if form.is_bound else (article.body if article else "")
    return render(
        request,
        "kb/article_form.html",
        {"form": form, "article": article, "preview": render_markdown((body or "")[:BODY_MAX])},
    )


@require_capability("kb.edit")
def article_create(request):
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Borrador «%(title)s» guardado. Publícalo cuando esté listo.")
                % {"title": article.title},
            )
            return redirect("kb:detail", slug=article.slug)
    return _form_page(request, form)


@require_capability("kb.edit")
def article_edit(request, slug: str):
    article = get_article_for_edit(request.user, slug)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = services.article_update(
                    actor=request.user,
                    article=article,
                    data=form.service_data(),
                    version=form.cleaned_data.get("version") or article.version,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Cambios guardados."))
                return redirect("kb:detail", slug=article.slug)
        return _form_page(request, form, article)
    form = ArticleForm(
        initial={
            "title": article.title,
            "body": article.body,
            "category": article.category_id,
            "visibility": article.visibility,
            "version": article.version,
        }
    )
    return _form_page(request, form, article)


@require_capability("kb.edit")
@require_POST
def article_preview(request):
    """htmx: the Markdown being typed, rendered and sanitised exactly as it will be shown."""
    body = request.POST.get("body", "")
    too_long = len(body) > BODY_MAX
    return render(
        request,
        "kb/_preview.html",
        {"preview": render_markdown(body[:BODY_MAX]), "too_long": too_long},
    )


@require_capability("kb.view")
def article_detail(request, slug: str):
    article = get_article_for(request.user, slug)
    return render(
        request,
        "kb/article_detail.html",
        {
            "article": article,
            "history": audit_for(article, limit=20),
            "can_edit": has_capability(request.user, "kb.edit"),
        },
    )


@require_capability("kb.edit")
@require_POST
def article_publish(request, slug: str):
    article = get_article_for_edit(request.user, slug)
    try:
        article = services.article_publish(actor=request.user, article=article)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if article.is_public:
            messages.success(request, _("Artículo publicado: los clientes ya lo ven en el portal."))
        else:
            messages.success(request, _("Artículo publicado para el equipo de soporte."))
    return redirect("kb:detail", slug=article.slug)


@require_capability("kb.edit")
@require_POST
def article_unpublish(request, slug: str):
    article = services.article_unpublish(
        actor=request.user, article=get_article_for_edit(request.user, slug)
    )
    messages.info(request, _("El artículo volvió a borrador."))
    return redirect("kb:detail", slug=article.slug)


@require_capability("kb.edit")
@require_POST
def article_delete(request, slug: str):
    article = get_article_for_edit(request.user, slug)
    services.article_delete(actor=request.user, article=article)
    messages.success(request, _("Artículo «%(title)s» eliminado.") % {"title": article.title})
    return redirect("kb:list")


@require_capability("kb.edit")
def article_from_ticket(request, number: str):
    """Confirm (GET), then create the draft from the ticket (POST) and open it for editing."""
    ticket = get_ticket_for(request.user, number)
    existing = selectors.article_of_ticket(ticket=ticket)
    if request.method == "POST":
        article = services.article_draft_from_ticket(actor=request.user, ticket=ticket)
        if existing is not None:
            messages.info(request, _("Este ticket ya estaba documentado: abrimos su artículo."))
        else:
            messages.success(
                request,
                _(
                    "Borrador creado a partir del ticket #%(n)s. Revísalo y quita datos del cliente antes de publicarlo."
                )
                % {"n": ticket.number},
            )
        return redirect("kb:edit", slug=article.slug)
    context = {
        "ticket": ticket,
        "existing": existing,
        "reply_count": ticket.events.filter(kind="reply", is_public=True).count(),
        "references": ticket.references.all(),
    }
    return render(request, "kb/from_ticket.html", context)


@login_required
def public_list(request):
    """Published public articles, for every signed-in user (portal contacts included)."""
    params = _list_params(request, staff=False)
    articles = selectors.article_search(
        query=params["q"],
        category=params["categoria"],
        visibility=Visibility.PUBLIC,
        published_only=True,
    ).defer(*selectors.HEAVY_COLUMNS)
    page = page_of(articles, number=page_param(request.GET.get("pagina")), size=PAGE_SIZE)
    context = {
        "page": page,
        "params": params,
        "query": params["q"],
        "categories": selectors.categories()
        .filter(articles__state=State.PUBLISHED, articles__visibility=Visibility.PUBLIC)
        .distinct(),
    }
    partial = request.htmx and request.htmx.target == "public-results"
    return render(request, "kb/_public_results.html" if partial else "kb/public_list.html", context)


@login_required
def public_detail(request, slug: str):
    article = get_public_article(slug)
    return render(
        request,
        "kb/public_detail.html",
        {"article": article, "is_staff": has_capability(request.user, "kb.view")},
    )
