"""What a browser would submit: the fields of a page's POST forms, read from the HTML.

The permission matrix posts each staff form as the page itself offers it (values, ticked boxes,
selected options, management forms of formsets) with one change on top, so its payloads follow
the forms as they evolve instead of repeating them by hand.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_TEXT_TYPES = {
    "",
    "text",
    "hidden",
    "number",
    "date",
    "datetime-local",
    "time",
    "email",
    "tel",
    "password",
    "search",
    "url",
}
_BUTTONS = {"submit", "button", "image", "reset"}


@dataclass
class Form:
    action: str
    method: str
    data: dict = field(default_factory=dict)  # name -> [values], as a browser would send them
    buttons: list = field(default_factory=list)  # (name, value) of named submit buttons

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def has(self, name, value):
        value = str(value)
        return value in self.data.get(name, []) or (name, value) in self.buttons


class _Parser(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms = []
        self.form = None
        self.select = None  # (name, multiple, options [(value, selected)])
        self.option = None  # [value or None, text, selected]
        self.textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, a.get("action") or self.page_url)).path
            self.form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None or (tag in ("input", "select", "textarea", "button") and "disabled" in a):
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "").lower()
            if kind in _TEXT_TYPES:
                self.form.add(name, a.get("value") or "")
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.add(name, a.get("value") or "on")
            elif kind in _BUTTONS:
                self.form.buttons.append((name, a.get("value") or ""))
        elif tag == "button" and name and (a.get("type") or "submit").lower() == "submit":
            self.form.buttons.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select = (name, "multiple" in a, [])
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[1] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            value, text, selected = self.option
            self.select[2].append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options = self.select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]  # a browser sends the first option of a plain select
            for value in chosen:
                self.form.add(name, value)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # Browsers drop the newline that follows <textarea>.
            self.form.add(name, text[1:] if text.startswith("\n") else text)
            self.textarea = None
        elif tag == "form":
            self.form = None


def post_forms(html, page_url):
    parser = _Parser(page_url)
    parser.feed(html)
    return [form for form in parser.forms if form.method == "post"]


def form_to(html, page_url, action, pick=None):
    """The one POST form of the page that submits to `action` (and holds the `pick` fields)."""
    forms = [form for form in post_forms(html, page_url) if form.action == action]
    if pick:
        forms = [form for form in forms if all(form.has(name, value) for name, value in pick.items())]
    assert len(forms) == 1, f"{page_url}: {len(forms)} POST forms to {action} with {pick or {}}"
    return forms[0]


class _SummaryParser(HTMLParser):
    """The error summary (templates/includes/error_summary.html): its attributes and its items."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 inside the summary's <div>
        self.found = []  # attribute dicts of every summary on the page
        self.items = []  # [href or "", text] of each <li>
        self.item = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth:
            self.depth += tag == "div"
            if tag == "li":
                self.item = ["", ""]
                self.items.append(self.item)
            elif tag == "a" and self.item is not None:
                self.item[0] = a.get("href") or ""
        elif tag == "div" and "data-error-summary" in a:
            self.found.append(a)
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        elif tag == "li":
            self.item = None

    def handle_data(self, data):
        if self.item is not None:
            self.item[1] += data


def error_summary(html):
    """(attributes of the page's one error summary, [(link, text)] of its items); (None, []) without one."""
    parser = _SummaryParser()
    parser.feed(html)
    assert len(parser.found) <= 1, "more than one error summary on the page"
    if not parser.found:
        return None, []
    return parser.found[0], [(href, " ".join(text.split())) for href, text in parser.items]
