"""Sections that the apps above grids add to a meeting's staff page.

grids imports none of the other apps (the layering grids ← centers ← projects), yet a meeting's
place may be a room of a service center. The centers app registers a section function from its
AppConfig.ready; the meeting's page renders whatever the registered functions return:

    @register_section
    def room_booking(request, meeting):  # -> safe HTML, or "" for nothing
        ...
"""

_SECTIONS = []


def register_section(function):
    if function not in _SECTIONS:
        _SECTIONS.append(function)
    return function


def sections(request, meeting):
    """The HTML of every registered section for this meeting, in the order registered."""
    return [html for html in (function(request, meeting) for function in _SECTIONS) if html]
