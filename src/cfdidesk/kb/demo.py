"""Demo articles for `cfdidesk load-demo` (the command calls load_demo_articles; it lives here so kb owns its data)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from . import services
from .models import Article, ArticleCategory, Visibility

CATEGORIES = [
    (gettext_noop("Timbrado"), 1),
    (gettext_noop("Timbres fiscales"), 2),
    (gettext_noop("Procedimientos internos"), 3),
]

VERIFY_STAMPED = """\
Antes de reportar una factura como «no timbrada», puedes comprobar su estado tú mismo en unos segundos.

## La forma más rápida: el nombre del archivo

Fíjate en cómo **empieza el nombre del archivo** del documento:

- Si comienza con **`PRE`**, el documento **todavía no está timbrado**: es una prefactura que aún no tiene el sello del SAT.
- Si **no** comienza con `PRE`, el documento ya fue timbrado: tiene el sello del SAT y su folio fiscal (UUID).

## Si el documento sigue sin timbrar

1. Anota el **número de movimiento** o la **serie y folio** del documento.
2. Si aparece algún mensaje de error, cópialo tal cual: no lo resumas ni lo traduzcas.
3. Describe los pasos que diste antes de que apareciera el problema.
4. Repórtalo a la mesa de ayuda con esos datos. Te daremos un número de ticket para darle seguimiento.

> Reunir esta información desde el principio reduce mucho el tiempo que tardamos en resolver tu reporte.
"""

REQUEST_STAMPS = """\
Cuando recibas el aviso de que tus timbres fiscales están por agotarse, solicita más cuanto antes para que tu facturación no se detenga.

## Datos que debe llevar tu solicitud

- **Cantidad de timbres** que necesitas.
- **RFC a facturar**: el RFC al que emitiremos la factura de los timbres.
- **Nombre comercial** de tu empresa.

Envía la solicitud por correo a nuestra área de **Ventas**.

## ¿Con cuánta anticipación?

Haz tu solicitud **por lo menos dos días hábiles antes** de que se te agoten por completo los timbres. Así hay tiempo de procesar el pago y cargar los timbres sin que dejes de facturar.

## ¿Qué sigue después?

1. Te enviamos los datos para el pago de tu solicitud.
2. Una vez realizado el pago, un consultor se comunicará contigo para pedirte los datos de acceso.
3. El consultor agrega los timbres a tu cuenta y te confirma cuando ya están disponibles.
"""

REPROCESS_MOVEMENT = """\
Procedimiento para volver a timbrar un movimiento que falló con un error de **structure validation**.

## 1. Identificar el error

1. Abre el registro de depuración (*debug*) del generador del cliente.
2. Busca el número de movimiento con **Ctrl + F** hasta encontrar el error de *structure validation*.
3. Copia el mensaje exacto en el ticket y corrige la causa antes de reprocesar.

## 2. Reprocesar el movimiento

1. Entra a la nube del cliente.
2. En la base de datos, localiza el movimiento en la tabla `preCFD`.
3. Márcalo para que el generador lo vuelva a tomar:

```sql
UPDATE preStatus SET input = 1 WHERE movto = '<movimiento>';
```

4. Consulta `preStatus` para comprobar que el generador tomó el movimiento.
5. Verifica en la tabla `CFD` que el movimiento ya quedó timbrado:

```sql
SELECT * FROM CFD WHERE movto = '<movimiento>';
```

## 3. Cerrar el reporte

- Notifica al contacto que el movimiento se timbró correctamente.
- Registra en el ticket el movimiento reprocesado y el error que lo causó.
"""

CHANGE_CFDI_USE = """\
Procedimiento para cambiar el **uso del CFDI** de un documento que **todavía no está timbrado**; por ejemplo, de `G01` (Adquisición de mercancías) a `G03` (Gastos en general).

> Solo aplica a documentos sin timbrar: su archivo empieza con `PRE`. Un CFDI ya timbrado no se modifica; hay que cancelarlo y emitir uno nuevo.

## Antes de empezar

- Pide al contacto el **folio del movimiento** que hay que cambiar.
- Confirma que el nuevo uso es válido para el régimen fiscal del receptor: el SAT rechaza las combinaciones que no corresponden.

## Pasos

1. **Detén el generador.** En su ventana de comandos (CMD), presiona **Ctrl + C** y confirma con **Y** cuando lo pida.
2. **Cambia el uso del CFDI** del movimiento, de `G01` a `G03`. Puedes hacerlo a mano en el campo `useCFDI` o con una consulta (ajusta la tabla a la del entorno del cliente):

```sql
UPDATE <tabla> SET useCFDI = 'G03' WHERE movto = '<movimiento>';
```

3. **Vuelve a iniciar el generador** en el entorno de trabajo del contacto.
4. **Comprueba que el documento se timbre** con el nuevo uso.
5. **Notifica al contacto** que el documento ya quedó timbrado.

> Mientras el generador está detenido no se timbra ningún documento del cliente: no lo dejes detenido más de lo necesario.
"""

ARTICLES = [
    (
        gettext_noop("Cómo verificar si una factura está timbrada"),
        VERIFY_STAMPED,
        "Timbrado",
        Visibility.PUBLIC,
    ),
    (
        gettext_noop("Qué datos enviar al solicitar timbres"),
        REQUEST_STAMPS,
        "Timbres fiscales",
        Visibility.PUBLIC,
    ),
    (
        gettext_noop("Reprocesar un movimiento con error de structure validation"),
        REPROCESS_MOVEMENT,
        "Procedimientos internos",
        Visibility.INTERNAL,
    ),
    (
        gettext_noop("Cambiar el uso del CFDI de un documento sin timbrar"),
        CHANGE_CFDI_USE,
        "Procedimientos internos",
        Visibility.INTERNAL,
    ),
]


@transaction.atomic
def load_demo_articles(actor) -> list[Article]:
    """Create the demo categories and four published articles; running it again adds nothing."""
    categories = {}
    for name, position in CATEGORIES:
        categories[name], _created = ArticleCategory.objects.get_or_create(
            name=name, defaults={"position": position}
        )
    articles = []
    for title, body, category, visibility in ARTICLES:
        article = Article.objects.filter(title=title).first()
        if article is None:
            article = services.article_create(
                actor=actor,
                title=title,
                body=body,
                category=categories[category],
                visibility=visibility,
            )
            article = services.article_publish(actor=actor, article=article)
        articles.append(article)
    return articles
