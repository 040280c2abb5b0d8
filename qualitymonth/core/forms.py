from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field in one wrapper, its label without a trailing colon (labels sit above)."""

    field_template_name = "includes/field.html"
