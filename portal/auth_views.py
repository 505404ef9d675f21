"""Password pages: one's own password change, and the password reset by mail.

Django's views, with what the portal adds: a password chosen here ends "must change at the
next login" (set when a 管理员 created the account or reset its password), and the reset page
says honestly when no mail can be sent. Django's own form logs and swallows a failed send and
shows "sent" all the same; here the mail server is tried first, whoever asks (so the answer
does not tell whether an address belongs to an account), and a send that fails is reported.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import loader
from django.utils.translation import gettext as _

from grids.services import accounts as account_services

log = logging.getLogger(__name__)

MAIL_ERRORS = (OSError, smtplib.SMTPException)


class MailNotSent(Exception):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        # Django keeps this session (update_session_auth_hash); every other session of the
        # account ends, since it carries the hash of the old password.
        response = super().form_valid(form)
        account_services.password_changed(self.request.user)
        return response


class HonestPasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        try:
            message.send()
        except MAIL_ERRORS as exc:
            log.warning("Password reset mail for account %s not sent: %s", context["user"].pk, exc)
            raise MailNotSent from exc


def mail_server_error():
    """Why no mail can be sent now, or None when the mail server answers."""
    if not settings.MAIL_CONFIGURED:
        return _(
            "This portal has no mail server: no reset mail can be sent. Ask your administrator to reset your password."
        )
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
        connection.close()
    except MAIL_ERRORS as exc:
        log.warning("Mail server unreachable for a password reset: %s", exc)
        return _("The mail server cannot be reached: no mail was sent. Try again later or ask your administrator.")
    return None


class PasswordResetView(auth_views.PasswordResetView):
    form_class = HonestPasswordResetForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"mail_configured": settings.MAIL_CONFIGURED}

    def form_valid(self, form):
        problem = mail_server_error()
        if problem is None:
            try:
                return super().form_valid(form)
            except MailNotSent:
                problem = _("The reset mail could not be sent. Try again later or ask your administrator.")
        form.add_error(None, problem)
        return self.form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        account_services.password_changed(form.user)
        return response


class UsernameLengthMixin:
    """Django's login forms set the username's max_length only on the widget, so any length
    reached authenticate() and django-axes' failure log (a varchar(255) on PostgreSQL: a 500).
    A name longer than any account's is refused before anyone is asked."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        return username


class LoginForm(UsernameLengthMixin, auth_forms.AuthenticationForm):
    pass


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
