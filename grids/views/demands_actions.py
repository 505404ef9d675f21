"""The steps staff take on a demand's page (POST /staff/demands/<pk>/act/): each step has its
form (prefixed with its name) and its service call; a refused step comes back to the page
with its message and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import params

from ..forms import demands_staff as forms
from ..models import Demand, DemandStatus, Level, Member
from ..scope import EDIT, scope_for
from ..services import demands as flow
from ..services import demands_intake as intake

S = DemandStatus
OPEN = (S.PENDING, S.ACCEPTED, S.IN_PROGRESS)
# step -> (form, label, statuses in which it is offered)
STEPS = {
    "accept": (forms.AcceptForm, gettext_lazy("Accept"), (S.PENDING,)),
    "reject": (forms.RejectForm, gettext_lazy("Do not accept"), (S.PENDING,)),
    "start": (forms.StartForm, gettext_lazy("Start handling it myself"), (S.ACCEPTED,)),
    "note": (forms.NoteForm, gettext_lazy("Add a note"), (*OPEN, S.HANDLED)),
    "helper": (forms.HelperForm, gettext_lazy("Record a helper's hours"), (S.IN_PROGRESS, S.HANDLED)),
    "handle": (forms.HandleForm, gettext_lazy("Reply and close the handling"), (S.IN_PROGRESS,)),
    "visit": (forms.StaffVisitForm, gettext_lazy("Record the return visit (by phone)"), (S.HANDLED,)),
    "transfer": (forms.TransferForm, gettext_lazy("Transfer (转派)"), OPEN),
    "hand_up": (forms.HandUpForm, gettext_lazy("Hand up to the unit above"), OPEN),
    "merge": (forms.MergeForm, gettext_lazy("Merge into another demand"), (S.PENDING, S.ACCEPTED)),
    "withhold": (forms.WithholdForm, gettext_lazy("Public board"), (S.HANDLED, S.CLOSED)),
}


def make_form(step, demand, user, data=None, files=None):
    form_class = STEPS[step][0]
    kwargs = {}
    if form_class is forms.TransferForm:
        kwargs["units"] = (
            scope_for(user).units(EDIT).filter(level__in=(Level.STREET, Level.COMMUNITY, Level.GRID))
            .exclude(pk=demand.unit_id).order_by("path")
        )  # fmt: skip
    if form_class is forms.HelperForm:
        kwargs["members"] = Member.objects.under(demand.community).order_by("name")
        kwargs["community"] = demand.community
    if form_class is forms.WithholdForm:
        kwargs["initial"] = {"withheld": demand.withheld}
    if form_class is forms.HandleForm:
        return form_class(data, files, prefix=step)
    return form_class(data, prefix=step, **kwargs)


def offered(demand):
    return [step for step, (_form, _label, statuses) in STEPS.items() if demand.status in statuses]


def _run(step, demand, user, data):
    if step == "accept":
        return flow.accept(demand=demand, actor=user)
    if step == "reject":
        return flow.reject(demand=demand, actor=user, reason=data["reason"])
    if step == "start":
        return flow.start(demand=demand, actor=user)
    if step == "note":
        return flow.add_note(demand=demand, actor=user, note=data["note"])
    if step == "helper":
        return flow.add_helper(demand=demand, actor=user, member=data["member"], name=data["name"],
                               hours=data["hours"], helped_on=data["helped_on"])  # fmt: skip
    if step == "handle":
        return flow.handle(demand=demand, actor=user, reply=data["reply"], photos=data["photos"])
    if step == "visit":
        return flow.visit(demand=demand, actor=user, satisfaction=data["satisfaction"], note=data["note"])
    if step == "transfer":
        return flow.transfer(demand=demand, actor=user, to_unit=data["to_unit"], reason=data["reason"])
    if step == "hand_up":
        return flow.hand_up(demand=demand, actor=user, reason=data["reason"])
    if step == "merge":
        target = Demand.objects.filter(code=intake.normalize_code(data["into"])).first()
        if target is None:
            raise ValidationError(_("No demand has this tracking code."))
        return flow.merge(demand=demand, into=target, actor=user)
    return flow.set_withheld(demand=demand, actor=user, withheld=data["withheld"])


@login_required
def act(request, demand_pk):
    demand = scope_for(request.user).get_object_or_404(Demand.objects.for_listing(), need=EDIT, pk=demand_pk)
    if request.method != "POST":
        return redirect("demand_staff_detail", demand_pk=demand.pk)
    try:
        step = params.choice(request.POST, "step", list(STEPS), label=_("step"))
    except params.BadParameter:
        step = ""
    if not step:
        messages.error(request, _("Unknown step."))
        return redirect("demand_staff_detail", demand_pk=demand.pk)
    form = make_form(step, demand, request.user, request.POST, request.FILES)
    if form.is_valid():
        try:
            _run(step, demand, request.user, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            demand.refresh_from_db()
            messages.success(
                request, _("Saved: the demand is now “%(status)s”.") % {"status": demand.get_status_display()}
            )
            if not scope_for(request.user).allows(demand.unit):
                return redirect("demand_queue")  # handed up or transferred out of sight
            return redirect("demand_staff_detail", demand_pk=demand.pk)
    from .demands_staff import render_detail  # noqa: PLC0415 (the page imports the steps)

    demand.refresh_from_db()
    return render_detail(request, demand, bound=(step, form), status=400)
