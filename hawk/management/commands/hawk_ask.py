"""`manage.py hawk_ask "Check if I can hedge 150K CNY today"`: run a prompt in the terminal,
streaming the answer, with the plan, the data read and the timings."""

import asyncio
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hawk.api.serializers import PromptRequestSerializer
from hawk.pipeline.run import RunRequest, run_events


class Command(BaseCommand):
    help = "Run a prompt through the agent and stream the answer to the terminal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prompt")
        parser.add_argument("--currency")
        parser.add_argument("--amount")
        parser.add_argument("--entity-id")
        parser.add_argument("--nav-type")
        parser.add_argument("--order-id")
        parser.add_argument("--user", help="record the run under this username")
        parser.add_argument("--no-cache", action="store_true", help="bypass the caches")
        parser.add_argument("--json", action="store_true", help="print every event as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        fields = {"user_prompt": options["prompt"], "use_cache": not options["no_cache"]}
        for name in ("currency", "amount", "entity_id", "nav_type", "order_id"):
            if options[name]:
                fields[name] = options[name]
        body = PromptRequestSerializer(data=fields)
        if not body.is_valid():
            raise CommandError(json.dumps(body.errors))
        user_id = self._user_id(options["user"])
        run = RunRequest.from_validated(body.validated_data, user_id=user_id, channel="cli")
        failed = asyncio.run(self._stream(run, as_json=options["json"]))
        if failed:
            raise CommandError(failed)

    def _user_id(self, username: str | None) -> int | None:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user.pk

    async def _stream(self, run: RunRequest, *, as_json: bool) -> str:
        async for event in run_events(run):
            if as_json:
                self.stdout.write(json.dumps(event, default=str))
                continue
            if (failure := self._show(event)) is not None:
                return failure
        return ""

    def _show(self, event: dict[str, Any]) -> str | None:
        name = event["event"]
        if name == "hawk_plan":
            params = {k: v for k, v in event["parameters"].items() if v not in (None, [])}
            sources = ", ".join(s["name"] for s in event["sources"])
            self.stdout.write(self.style.MIGRATE_HEADING(f"Intent {event['intent']} {params}"))
            self.stdout.write(f"Reading: {sources}")
        elif name == "hawk_context":
            self.stdout.write(
                f"Read {event['records']} records in {event['extraction_ms']} ms "
                f"(cache: {event['cache']})\n"
            )
        elif name == "hawk_notice":
            self.stdout.write(self.style.WARNING(event["message"]))
        elif name == "message":
            self.stdout.write(event["answer"], ending="")
            self.stdout.flush()
        elif name == "message_end":
            summary = (
                f"[{event['backend']}; answer cache {event['answer_cache']}; "
                f"quality {event['quality']['score']}; timings {event['timings']}]"
            )
            self.stdout.write("\n" + self.style.SUCCESS(summary))
        elif name == "error":
            return f"{event['code']}: {event['message']}"
        return None
