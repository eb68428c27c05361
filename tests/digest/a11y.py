"""A small automated accessibility check for the digest's HTML (WCAG basics a parser can see).

- the document declares its language (`<html lang>`) and has a title;
- there is one `h1`, and headings never skip a level going down;
- every `img` has an `alt` attribute; anything with `role="img"` has an accessible name;
- data tables have a caption and header cells, and every header cell says what it heads
  (`scope`); layout tables say so (`role="presentation"`) and hold no header cells;
- every link has text.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.lang: str | None = None
        self.title = ""
        self.in_title = False
        self.headings: list[int] = []
        self.tables: list[dict[str, object]] = []  # stack
        self.link: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        where = f"line {self.getpos()[0]}"
        if tag == "html":
            self.lang = a.get("lang", "").strip() or None
        elif tag == "title":
            self.in_title = True
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            level = int(tag[1])
            if self.headings and level > self.headings[-1] + 1:
                self.problems.append(f"{where}: h{level} after h{self.headings[-1]} skips a level")
            if not self.headings and level != 1:
                self.problems.append(f"{where}: the first heading is h{level}, not h1")
            self.headings.append(level)
        elif tag == "img" and "alt" not in a:
            self.problems.append(f"{where}: an image without alt text ({a.get('src', '')})")
        elif tag == "table":
            self.tables.append(
                {"layout": a.get("role") == "presentation", "th": 0, "caption": False, "at": where}
            )
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        elif tag == "th" and self.tables:
            table = self.tables[-1]
            table["th"] = int(table["th"]) + 1  # type: ignore[call-overload]
            if table["layout"]:
                self.problems.append(f"{where}: a header cell in a layout table")
            if a.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
                self.problems.append(f"{where}: a header cell without scope")
        elif tag == "a":
            self.link = {"text": "", "at": where, "label": a.get("aria-label", "")}
        if a.get("role") == "img" and not (a.get("aria-label") or a.get("aria-labelledby")):
            self.problems.append(f"{where}: role=img without an accessible name")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "table" and self.tables:
            table = self.tables.pop()
            if not table["layout"]:
                if not table["th"]:
                    self.problems.append(f"{table['at']}: a data table without header cells")
                if not table["caption"]:
                    self.problems.append(f"{table['at']}: a data table without a caption")
        elif tag == "a" and self.link is not None:
            if not str(self.link["text"]).strip() and not self.link["label"]:
                self.problems.append(f"{self.link['at']}: a link without text")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.link is not None:
            self.link["text"] = str(self.link["text"]) + data


def check(html: str) -> list[str]:
    """Every accessibility problem found, one line each; an empty list means none."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = list(checker.problems)
    if not checker.lang:
        problems.insert(0, "the document does not declare its language (<html lang>)")
    if not checker.title.strip():
        problems.append("the document has no title")
    if checker.headings.count(1) != 1:
        problems.append(f"{checker.headings.count(1)} h1 headings; expected one")
    return problems
