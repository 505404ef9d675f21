"""Form helpers shared by every app. A leaf module: it imports no app."""


def add_service_errors(form, exc, default_field=None):
    """Show a service's ValidationError on the form, field by field where the field exists.

    Services validate across models and raise ValidationError({"field": ...}) or a plain
    message; either lands on the form the user is looking at, never as a 500.
    """
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field if default_field in form.fields else None, exc.messages)
