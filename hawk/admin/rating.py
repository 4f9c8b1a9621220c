"""Rating an answer from a run page (the admin's and the console's): a small form whose POST
goes to the same service as the API's feedback endpoint, so the rating is stored on the run
(analytics and the experiment results count it) and forwarded to Dify when Dify answered."""

from typing import Any

from asgiref.sync import async_to_sync
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from hawk.models import AgentRun
from hawk.pipeline.run.feedback import forward_feedback, run_rate

RATING_WORDS = {"like": "Liked", "dislike": "Disliked"}


class RateForm(forms.Form):
    rating = forms.ChoiceField(choices=[("like", "Like"), ("dislike", "Dislike")])
    comment = forms.CharField(required=False, max_length=2000)


def may_rate(user: Any, run: AgentRun) -> bool:
    """A rating is the asker's own judgement (as in the API): not anyone's who may see it."""
    return run.user_id is not None and run.user_id == user.pk


def rating_text(run: AgentRun) -> str:
    rated = RATING_WORDS.get(run.feedback_rating, "Not rated")
    return f"{rated}: {run.feedback_comment}" if run.feedback_comment else rated


def rate_from_post(request: HttpRequest, run: AgentRun) -> tuple[bool, str]:
    """(stored, what to tell the person) for the POSTed rating; someone else's run: 403."""
    if not may_rate(request.user, run):
        raise PermissionDenied
    form = RateForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
        )
        return False, f"Not rated: {problems}"
    rating, comment = form.cleaned_data["rating"], form.cleaned_data["comment"]
    run_rate(run, user_id=request.user.pk, rating=rating, comment=comment)
    forwarded, error = async_to_sync(forward_feedback)(run, rating, comment)
    told = f"Rated: {rating_text(run)}."
    if forwarded:
        told += " Sent to Dify too."
    elif error:
        told += f" Not sent to Dify ({error})."
    return True, told
