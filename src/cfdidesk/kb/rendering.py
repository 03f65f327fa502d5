"""Markdown to safe HTML: the one place that decides what an article may contain."""

from __future__ import annotations

import html
import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "a",
        "hr",
        "br",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SRC = re.compile(r"^(https?://|/|\./|\.\./|[^:/?#]+(/|$))", re.IGNORECASE)


class _ShiftHeadings(Treeprocessor):
    """The page's <h1> is the article title: `#` becomes <h2>, and <h5>/<h6> become <h4>."""

    MAP = {"h1": "h2", "h5": "h4", "h6": "h4"}

    def run(self, root):
        for element in root.iter():
            if element.tag in self.MAP:
                element.tag = self.MAP[element.tag]


class _ShiftHeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_ShiftHeadings(md), "kb_shift_headings", 5)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Images only from http(s) or this site: no mailto:, data: or other schemes.
    if tag == "img" and attribute == "src" and not _IMAGE_SRC.match(value.strip()):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    """Markdown (with tables and fenced code) to HTML that keeps only an allow-list of tags.

    <script> and <style> go with their content; event handlers, styles, classes and
    javascript:/data: URLs are always removed; links get rel="noopener noreferrer".
    """
    source = markdown.markdown(
        text or "", extensions=["extra", "sane_lists", _ShiftHeadingsExtension()]
    )
    cleaned = nh3.clean(
        source,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 right above)


_HEADINGS = re.compile(r"<h[2-4]>.*?</h[2-4]>", re.DOTALL)
_BLOCK_TAGS = re.compile(
    r"</?(p|h[2-4]|ul|ol|li|pre|blockquote|table|thead|tbody|tr|th|td|hr|br|img)\b[^>]*>"
)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def plain_summary(rendered: str, *, limit: int = 240) -> str:
    """The first words of rendered HTML as plain text (headings left out), for lists and results."""
    text = _BLOCK_TAGS.sub(" ", _HEADINGS.sub(" ", rendered))
    text = _SPACES.sub(" ", html.unescape(_TAGS.sub("", text))).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"
