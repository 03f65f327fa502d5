import pytest
from django.utils.safestring import SafeString

from cfdidesk.kb.rendering import plain_summary, render_markdown


def test_markdown_features_survive():
    html = render_markdown(
        "# Título\n\n## Pasos\n\n1. Uno\n2. **Dos** y *tres*\n\n- a\n- b\n\n> cita\n\n`code`\n\n"
        "```sql\nUPDATE preStatus SET input = 1;\n```\n\n| RFC | Uso |\n|---|---|\n| XAXX010101000 | S01 |\n\n---\n\n"
        '[SAT](https://www.sat.gob.mx "Portal") ![logo](/static/web/favicon.svg)'
    )
    assert isinstance(html, SafeString)
    assert "<h2>Título</h2>" in html  # the page's <h1> is the article's title
    assert (
        "<h2>Pasos</h2>" in html
        and "<ol>" in html
        and "<strong>Dos</strong>" in html
        and "<em>tres</em>" in html
    )
    assert (
        "<blockquote>" in html
        and "<code>code</code>" in html
        and "<pre><code>UPDATE preStatus" in html
    )
    assert "<table>" in html and "<td>XAXX010101000</td>" in html and "<hr>" in html
    assert (
        '<a href="https://www.sat.gob.mx" title="Portal" rel="noopener noreferrer">SAT</a>' in html
    )
    assert (
        '<img src="/static/web/favicon.svg" alt="logo">' in html
        or '<img alt="logo" src="/static/web/favicon.svg">' in html
    )


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert('x')</script>Hola", ["<script", "alert("]),
        ("<style>body{display:none}</style>Hola", ["<style", "display:none"]),
        ('<img src="x.png" onerror="alert(1)">', ["onerror", "alert(1)"]),
        ('<p onclick="robar()">clic</p>', ["onclick", "robar"]),
        ("[clic](javascript:alert(1))", ["javascript:", "alert(1)"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "alert(1)"]),
        ("![x](javascript:alert(1))", ["javascript:"]),
        ("![x](data:image/svg+xml;base64,PHN2Zz4=)", ["data:"]),
        ("![x](mailto:a@b.mx)", ["mailto:"]),
        ('<iframe src="https://malo.example"></iframe>', ["<iframe", "malo.example"]),
        ('<svg onload="alert(1)"></svg>', ["<svg", "onload"]),
        ('<span style="position:fixed">x</span>', ["style=", "<span"]),
        ('<form action="/x"><input name="a"></form>', ["<form", "<input"]),
        ("<!-- comentario -->Hola", ["<!--"]),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    html = render_markdown(source).lower()
    for fragment in forbidden:
        assert fragment.lower() not in html


def test_links_keep_http_and_relative_and_get_noopener():
    html = render_markdown("[a](https://x.mx) [b](/tickets/) [c](mailto:soporte@x.mx)")
    assert (
        'href="https://x.mx"' in html
        and 'href="/tickets/"' in html
        and 'href="mailto:soporte@x.mx"' in html
    )
    assert html.count('rel="noopener noreferrer"') == 3


def test_image_sources_only_http_or_relative():
    html = render_markdown("![a](https://x.mx/a.png) ![b](img/b.png) ![c](ftp://x.mx/c.png)")
    assert 'src="https://x.mx/a.png"' in html and 'src="img/b.png"' in html and "ftp:" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_summary_is_plain_text_without_headings_and_short():
    html = render_markdown(
        "## Problema\n\nEl movimiento **4411** no timbra & falla.\n\n" + "palabra " * 100
    )
    summary = plain_summary(html)
    assert summary.startswith("El movimiento 4411 no timbra & falla.")
    assert "Problema" not in summary and "<" not in summary
    assert len(summary) <= 241 and summary.endswith("…")
