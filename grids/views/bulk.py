"""The second half of a list's actions on ticked records (the member list, the demands' queue):
the confirmation page with what the action needs beyond the records, then the action, all or
nothing, its refusals shown on that page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from portal.core.forms import add_service_errors

from ..services.tree import attach_full_names


def confirm_then_run(request, form, records, *, details, run, success, back, template, context):
    """`details(data)`: the form of what the action needs (bound on the confirmed POST);
    `run(details)`: the service, returning how many records it changed; `success(done)`: the
    message; `back`: where to go after; `context`: what the template shows besides the form."""
    confirmed = form.cleaned_data["confirm"]
    bound = details(request.POST if confirmed else None)
    status = 200
    if confirmed:
        if bound.is_valid():
            try:
                done = run(bound)
            except ValidationError as exc:
                add_service_errors(bound, exc)
            else:
                messages.success(request, success(done))
                return redirect(back)
        status = 400
    attach_full_names([record.unit for record in records])
    return render(request, template, {"form": form, "details": bound, **context}, status=status)
