"""An answer's Markdown as HTML for the admin, safely: raw HTML in the answer is escaped first
(an LLM's answer is untrusted text), links other than http(s) and mailto are dropped, and
images become links: an image is fetched when the page opens, so a prompt-injected answer
could send data out in its URL just by being read."""

import html
import xml.etree.ElementTree as ET

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


class _SafeLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for image in list(root.iter("img")):
            _image_as_link(image)
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not value.strip().lower().startswith(SAFE_SCHEMES):
                    del element.attrib[attribute]


def _image_as_link(image: ET.Element) -> None:
    """<img src alt> becomes <a href rel>alt</a> in place: seen only if someone clicks."""
    source, label = image.get("src", ""), image.get("alt") or image.get("src", "")
    image.clear()
    image.tag, image.text = "a", label
    image.set("href", source)
    image.set("rel", "noreferrer nofollow")


class _SafeLinksExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_SafeLinks(md), "hawk_safe_links", 0)


def answer_html(text: str) -> SafeString:
    body = markdown.markdown(
        html.escape(text, quote=False), extensions=["tables", "fenced_code", _SafeLinksExtension()]
    )
    return mark_safe(body)  # noqa: S308  (input escaped above, unsafe links removed)
