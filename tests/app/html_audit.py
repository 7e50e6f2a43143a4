"""A small HTML accessibility audit: labels, headings, language, alternative text, references."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class _Control:
    tag: str
    attrs: dict[str, str]
    inside_label: bool


@dataclass
class Audit(HTMLParser):
    lang: str | None = None
    headings: list[int] = field(default_factory=list)
    controls: list[_Control] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)
    described: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    empty_buttons: int = 0
    _label_depth: int = 0
    _button_text: list[str] | None = None

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, raw: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in raw}
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "aria-describedby" in attrs:
            self.described.extend(attrs["aria-describedby"].split())
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in {"input", "select", "textarea"}:
            if tag != "input" or attrs.get("type", "text") not in UNLABELLED_TYPES:
                self.controls.append(_Control(tag, attrs, self._label_depth > 0))
        elif tag == "img" and "alt" not in attrs:
            self.images_without_alt.append(attrs.get("src", "?"))
        elif tag == "button":
            self._button_text = [attrs.get("aria-label", "")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1
        elif tag == "button" and self._button_text is not None:
            if not "".join(self._button_text).strip():
                self.empty_buttons += 1
            self._button_text = None

    def handle_data(self, data: str) -> None:
        if self._button_text is not None:
            self._button_text.append(data)

    def problems(self, expected_lang: str) -> list[str]:
        found: list[str] = []
        if self.lang != expected_lang:
            found.append(f"<html lang> is {self.lang!r}, expected {expected_lang!r}")
        if self.headings.count(1) != 1:
            found.append(f"{self.headings.count(1)} h1 elements")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                found.append(f"heading level jumps from h{before} to h{after}")
        if self.headings and self.headings[0] != 1:
            found.append(f"the first heading is h{self.headings[0]}")
        for control in self.controls:
            a = control.attrs
            named = (
                a.get("aria-label")
                or a.get("aria-labelledby")
                or control.inside_label
                or (a.get("id") and a["id"] in self.label_for)
            )
            if not named:
                found.append(f"<{control.tag} name={a.get('name')!r}> has no label")
        duplicated = {i for i in self.ids if self.ids.count(i) > 1}
        if duplicated:
            found.append(f"duplicate ids: {sorted(duplicated)}")
        missing = set(self.described) - set(self.ids)
        if missing:
            found.append(f"aria-describedby points nowhere: {sorted(missing)}")
        if self.images_without_alt:
            found.append(f"images without alt: {self.images_without_alt}")
        if self.empty_buttons:
            found.append(f"{self.empty_buttons} buttons without text")
        return found


def audit(html: str, lang: str) -> list[str]:
    checker = Audit()
    checker.feed(html)
    checker.close()
    return checker.problems(lang)
