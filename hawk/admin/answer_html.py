"""An answer's Markdown as HTML for the admin, safely: raw HTML in the answer is escaped first
(an LLM's answer is untrusted text), and links other than http(s) and mailto are dropped."""

import html
import xml.etree.ElementTree as ET

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


class _SafeLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not value.strip().lower().startswith(SAFE_SCHEMES):
                    del element.attrib[attribute]


class _SafeLinksExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_SafeLinks(md), "hawk_safe_links", 0)


def answer_html(text: str) -> SafeString:
    body = markdown.markdown(
        html.escape(text, quote=False), extensions=["tables", "fenced_code", _SafeLinksExtension()]
    )
    return mark_safe(body)  # noqa: S308  (input escaped above, unsafe links removed)
