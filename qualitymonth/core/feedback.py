from django.contrib import messages
from django.core.exceptions import ValidationError


def show_errors(request, error: ValidationError, form=None) -> None:
    """A service's refusal, shown to the person: on the form's fields when it names them,
    otherwise as messages at the top of the next page."""
    if form is not None and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in error.messages:
        messages.error(request, message)
