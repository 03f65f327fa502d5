from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.roles import has_capability, role_labels

# (url name, label, capability or None for any signed-in user)
NAVIGATION = [
    ("web:home", _("Inicio"), None),
    ("portal:home", _("Mis tickets"), "portal.use"),
    ("portal:new", _("Reportar un problema"), "portal.use"),
    ("kb:public_list", _("Artículos de ayuda"), "portal.use"),
    ("desk:list", _("Tickets"), "tickets.view"),
    ("desk:oncall", _("Guardias"), "oncall.view"),
    ("customers:list", _("Clientes"), "customers.view"),
    ("kb:list", _("Conocimiento"), "kb.view"),
    ("invoicing:environments", _("Facturación"), "invoicing.view"),
    ("customers:import", _("Carga masiva"), "customers.import"),
    ("customers:import_jobs", _("Procesos"), "customers.import"),
    ("accounts:tokens", _("Tokens de API"), None),
    ("accounts:security", _("Seguridad"), "account.two_factor"),
    ("admin:index", _("Administración"), "settings.manage"),
    ("users:list", _("Usuarios"), "users.manage"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = []
    for name, label, capability in NAVIGATION:
        if capability and not has_capability(user, capability):
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    # Only the longest matching entry is highlighted.
    actives = [i for i in items if i["active"]]
    if len(actives) > 1:
        keep = max(actives, key=lambda i: len(i["url"]))
        for i in actives:
            i["active"] = i is keep
    return {"nav_items": items, "user_roles": role_labels(user)}
