"""A person's rating of an answer: stored on the run first (analytics and the experiment
results count it from there), then forwarded to Dify when Dify answered the run. The API's
feedback endpoint and the admin's and console's run pages all rate through here."""

import logging

from hawk.analysis.base import AnalysisError
from hawk.analysis.dify import Rating, get_dify_backend
from hawk.models import AgentRun
from hawk.pipeline.run.request import dify_user
from hawk.web.errors import HawkError

logger = logging.getLogger(__name__)

RATINGS = ("like", "dislike")


def run_rate(run: AgentRun, *, user_id: int | None, rating: Rating | None, comment: str) -> None:
    """Store the rating (None clears it). A rating is the asker's own judgement: whoever else
    may see the run (operations, admin) may not rate it for them."""
    if run.user_id is None or run.user_id != user_id:
        raise HawkError("forbidden", "only the user who asked may rate a run")
    AgentRun.objects.filter(pk=run.pk).update(
        feedback_rating=rating or "", feedback_comment=comment
    )
    run.feedback_rating, run.feedback_comment = rating or "", comment


def forwards_to_dify(run: AgentRun) -> bool:
    """Dify answered this run itself: a replay from the answer cache has a message id that
    Dify never issued, and the built-in analyst has none."""
    return run.backend == "dify" and bool(run.message_id) and run.answer_cache != "hit"


async def forward_feedback(run: AgentRun, rating: Rating, comment: str) -> tuple[bool, str]:
    """(forwarded, error code): best effort, a failure of Dify's is logged, never raised."""
    backend = get_dify_backend(run.template_category or run.intent)
    if backend is None or not forwards_to_dify(run):
        return False, ""
    user, content = dify_user(run.user_id), comment or None
    try:
        accepted = await backend.feedback(
            message_id=run.message_id, rating=rating, user=user, content=content
        )
    except AnalysisError as exc:
        logger.warning(
            "feedback on run %s stored, not forwarded to Dify (%s): %s",
            run.run_id,
            exc.code,
            exc.message,
        )
        return False, exc.code
    return accepted, ""
