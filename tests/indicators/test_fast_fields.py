"""The quarter page's fast widgets render as Django's would, every value escaped."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.templatetags.fast_fields import fast

HOSTILE = "\"><script>alert('x')</script>&"


class Sample(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(choices=[("a", _("Prévue")), ('b"<', "B & <b>")])
    value = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}))
    progress = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0}))


def test_values_labels_and_attributes_are_escaped():
    form = Sample({"note": HOSTILE, "status": 'b"<', "value": HOSTILE, "progress": "x"})
    assert not form.is_valid()
    note, status, value = str(fast(form["note"])), str(fast(form["status"])), str(fast(form["value"]))
    assert "<script>" not in note + status + value
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" in note
    assert 'value="&quot;&gt;&lt;script&gt;' in value and 'inputmode="decimal"' in value
    assert '<option value="b&quot;&lt;" selected>B &amp; &lt;b&gt;</option>' in status
    assert '<option value="a">Prévue</option>' in status
    progress = str(fast(form["progress"]))
    assert 'type="number"' in progress and 'aria-invalid="true"' in progress
    assert 'aria-describedby="id_progress-error"' in progress and "is-invalid" in progress
