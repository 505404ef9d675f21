"""Standard records stored under their Chinese name, shown in the reader's language.

The standard service tags (centers' data migration) and each district's default demand
categories are rows, not choices: staff add their own beside them, and the stored name is what
imports, exports and filters match. So the name stays the key; a table of the standard ones
gives each an English msgid, whose Chinese translation is the stored name itself
(tests/test_english_pages.py checks the two agree). A name outside the table, one staff typed,
is shown as it is. A leaf module: it imports no app.
"""

from django.utils import translation


def chinese_active():
    return (translation.get_language() or "").startswith("zh")


def display_name(name, standard):
    """`name` in the active language when it is one of `standard` (stored name -> lazy msgid)."""
    label = standard.get(name)
    if label is None or chinese_active():
        return name
    return str(label)


def stored_names(labels):
    """The Chinese form of each lazy msgid of `labels` (what a stored standard name must equal)."""
    with translation.override("zh-hans"):
        return [str(label) for label in labels]
