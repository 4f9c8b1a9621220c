"""The operators' cache pages in the admin: entries per source with size and age, one entry's
rows, invalidating a source, warming, and the statistics over time.

Built on Django admin's own views and templates (an unmanaged model gives them their place in
the index); operations and admin may use them, as they may the cache endpoints.
"""

import json
from typing import Any

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from cache_admin.models import CacheEntry
from cache_admin.services import cache_report, invalidate, invalidate_currency
from cache_admin.snapshots import intervals, record_snapshot
from cache_admin.warming import cache_warm
from hawk.datacache.entries import cache_entries, cache_entry
from hawk.models import Currency
from hawk.sources import SOURCES
from hawk.web.roles import ADMIN, OPERATIONS, has_role

SHOWN_ROWS = 50


@admin.register(CacheEntry)
class CacheEntryAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and has_role(request.user, OPERATIONS, ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name="cache_admin_cacheentry_changelist"),
            path("entry/<path:key>/", wrap(self.entry_view), name="cache_admin_entry"),
            path("invalidate/", wrap(require_POST(self.invalidate_view)), name="cache_invalidate"),
            path("warm/", wrap(require_POST(self.warm_view)), name="cache_warm"),
            path("statistics/", wrap(self.statistics_view), name="cache_statistics"),
        ]

    def _context(self, request: HttpRequest, title: str, **values: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **values,
        }

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        entries = cache_entries()
        context = self._context(
            request,
            "Data cache",
            entries=entries,
            by_source=_by_source(entries),
            sources=sorted(SOURCES),
        )
        return TemplateResponse(request, "admin/cache_admin/entries.html", context)

    def entry_view(self, request: HttpRequest, key: str) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        entry = cache_entry(key)
        if entry is None:
            raise Http404("no such cache entry (it may have expired)")
        rows = entry.rows if isinstance(entry.rows, list) else [entry.rows]
        shown = json.dumps(rows[:SHOWN_ROWS], cls=DjangoJSONEncoder, indent=2)
        context = self._context(
            request,
            f"Cache entry of {entry.source}",
            entry=entry,
            rows_json=shown,
            shown=min(len(rows), SHOWN_ROWS),
            filters_json=json.dumps(entry.filters, indent=2),
        )
        return TemplateResponse(request, "admin/cache_admin/entry.html", context)

    def invalidate_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        source = request.POST.get("source") or None
        currency = (request.POST.get("currency") or "").strip().upper() or None
        if source is not None and source not in SOURCES:
            messages.error(request, f"unknown source {source!r}")
        elif currency and not Currency.objects.filter(pk=currency).exists():
            messages.error(request, f"unknown currency {currency!r}")
        elif currency:
            done = invalidate_currency(currency=currency, source=source)
            messages.success(request, f"dropped {done['entries_deleted']} entries of {currency}")
        else:
            done = invalidate(source=source)
            messages.success(request, f"invalidated {', '.join(done['invalidated_sources'])}")
        return HttpResponseRedirect(reverse("admin:cache_admin_cacheentry_changelist"))

    def warm_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        warmed = cache_warm(limit=20)["warmed"]
        described = [f"{w['intent']} {w.get('currency') or '-'} ({w['cache']})" for w in warmed]
        messages.success(request, f"warmed {len(warmed)} plans: {', '.join(described) or 'none'}")
        return HttpResponseRedirect(reverse("admin:cache_admin_cacheentry_changelist"))

    def statistics_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        record_snapshot()
        context = self._context(
            request, "Data cache statistics", report=cache_report(), intervals=intervals()
        )
        return TemplateResponse(request, "admin/cache_admin/statistics.html", context)


def _by_source(entries: list[Any]) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, Any]] = {}
    for entry in entries:
        row = totals.setdefault(
            entry.source, {"source": entry.source, "entries": 0, "current": 0, "bytes": 0}
        )
        row["entries"] += 1
        row["current"] += int(entry.current)
        row["bytes"] += entry.size_bytes
    return [totals[name] for name in sorted(totals)]
