"""Numbers for operators, in the Prometheus text format their tools already read (``/metrics``).

Off by default; ``LOAN_ADVISOR_METRICS_PORT`` switches it on for ``loan-advisor bot``, on a port of its
own (the official ``prometheus-client`` serves it from a thread, so a slow scrape never holds up a turn).

Counts only. No metric carries text a user typed, a chat or user id, or anything else about a person:
every label value comes from a short fixed list (update kinds, FAQ bands, Bot API method names, error
kinds). The full list, with what each metric means, is in the README ("Metrics").

The bot calls one method of :class:`Metrics` per event, each a single line at the place the event
happens (the update processor, the adapter, the rate limiter). :class:`Metrics` itself counts nothing:
it is what the bot gets when metrics are off, so those lines need no ``if``. The engine's own events
(FAQ bands, self-checks, calculator) arrive through :meth:`Metrics.flow_step`, which is the engine's
transport-free observer hook (:attr:`flows.engine.Engine.observer`): flows/ never imports this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from bot.settings import Settings

log = logging.getLogger(__name__)

#: every metric name starts with this
NAMESPACE = "loan_advisor"

#: the kinds of Telegram update the bot handles; anything else is counted as ``other``
UPDATE_KINDS = ("message", "edited_message", "callback_query")

#: FAQ flow state reached by ``ask`` -> the band of the answer
FAQ_BANDS = {"answered": "answer", "suggested": "suggest", "declined": "decline"}

#: error class name -> the ``kind`` label; a class not listed is looked up by its bases, most specific
#: first (PTB's ``BadRequest`` and ``TimedOut`` are both ``NetworkError``s), so no telegram import here
ERROR_KINDS = {
    "RetryAfter": "retry_after",
    "TimedOut": "timed_out",
    "Forbidden": "forbidden",
    "InvalidToken": "invalid_token",
    "Conflict": "conflict",
    "ChatMigrated": "chat_migrated",
    "EndPointNotFound": "not_found",
    "BadRequest": "bad_request",
    "NetworkError": "network",
    "TelegramError": "other",
    "StorageUnavailable": "storage",
}

#: upper bounds of the turn latency histogram, seconds (a turn is usually well under 0.1 s; the typing
#: indicator shows after 0.5 s; a Bot API call gives up after 10 s)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def error_kind(error: BaseException | None) -> str:
    """The ``kind`` label of an error: ``retry_after``, ``forbidden``, ``network``… or ``other``."""
    for cls in type(error).__mro__:
        if cls.__name__ in ERROR_KINDS:
            return ERROR_KINDS[cls.__name__]
    return "other"


def update_kind(update: object) -> str:
    """``message``, ``edited_message``, ``callback_query`` or ``other``, read off a Telegram update."""
    return next((kind for kind in UPDATE_KINDS if getattr(update, kind, None) is not None), "other")


class Metrics:
    """What the bot reports, one method per event. This class counts nothing (metrics are off)."""

    def update_received(self, update: object) -> None:
        """An update reached the bot and is about to be handled."""

    def update_handled(self, update: object, seconds: float) -> None:
        """An update was handled (answered, refused or failed) after ``seconds``, lock waits included."""

    def update_failed(self, error: BaseException | None) -> None:
        """Handling an update ended in an error (the user got an apology if a chat was known)."""

    def flow_step(self, flow: str, trigger: str, state: str) -> None:
        """A dialogue flow transition ran, e.g. ``("faq", "ask", "declined")`` (the engine's observer)."""

    def bot_api_error(self, method: str, error: BaseException) -> None:
        """A Bot API call (``sendMessage``…) failed once; it may still succeed when it is tried again."""

    def flood_refused(self) -> None:
        """A turn was dropped by the per-user flood limit."""

    def watch_inbox(self, depth: Callable[[], int]) -> None:
        """Report ``depth()`` (updates received and not yet handled) at every scrape."""

    def close(self) -> None:
        """Stop serving ``/metrics``."""


class PrometheusMetrics(Metrics):
    """The metrics in a registry of their own (not the library's global one), served on request.

    Besides the advisor's own metrics the registry holds prometheus-client's standard collectors of the
    process, the Python platform and the garbage collector (``process_resident_memory_bytes``…).

    Args:
        version: the advisor's version, exported as ``loan_advisor_build_info{version=…}``.
    """

    def __init__(self, version: str = "") -> None:
        from prometheus_client import (
            GC_COLLECTOR,
            PLATFORM_COLLECTOR,
            PROCESS_COLLECTOR,
            CollectorRegistry,
            Counter,
            Gauge,
            Histogram,
            Info,
            disable_created_metrics,
        )

        disable_created_metrics()  # no ``*_created`` twin of every series: dashboards never read them
        self.registry = registry = CollectorRegistry(auto_describe=True)
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            registry.register(collector)
        where: dict[str, Any] = {"namespace": NAMESPACE, "registry": registry}
        Info("build", "the advisor's version", **where).info({"version": version})
        self.received = Counter("updates_received", "Telegram updates received", ["kind"], **where)
        self.handled = Counter("updates_handled", "Telegram updates handled to the end", ["kind"], **where)
        self.failed = Counter("update_errors", "updates whose handling ended in an error", ["kind"], **where)
        self.latency = Histogram(
            "turn_seconds", "from picking up an update to having handled it", buckets=LATENCY_BUCKETS, **where
        )
        self.faq = Counter("faq_questions", "free questions by band", ["band"], **where)
        self.checks_started = Counter("self_checks_started", "eligibility self-checks begun", **where)
        self.checks_finished = Counter("self_checks_finished", "self-checks that reached a verdict", **where)
        self.calculator = Counter("calculator_uses", "turns answered by the loan calculator", **where)
        self.api_errors = Counter("bot_api_errors", "failed Bot API calls", ["method", "kind"], **where)
        self.flood = Counter("flood_refusals", "turns dropped by the per-user flood limit", **where)
        self.inbox = Gauge("inbox_depth", "updates received and not yet handled", **where)
        for band in FAQ_BANDS.values():  # zeros from the start, so a dashboard's rate() has a baseline
            self.faq.labels(band=band)
        self._server: WSGIServer | None = None

    # --- the events --------------------------------------------------------------------------------

    def update_received(self, update: object) -> None:
        """Count one update by kind."""
        self.received.labels(kind=update_kind(update)).inc()

    def update_handled(self, update: object, seconds: float) -> None:
        """Count one handled update and observe its latency."""
        self.handled.labels(kind=update_kind(update)).inc()
        self.latency.observe(seconds)

    def update_failed(self, error: BaseException | None) -> None:
        """Count one failed update by error kind."""
        self.failed.labels(kind=error_kind(error)).inc()

    def flow_step(self, flow: str, trigger: str, state: str) -> None:
        """Turn a flow transition into the FAQ, self-check and calculator counts."""
        if flow == "faq" and trigger == "ask" and state in FAQ_BANDS:
            self.faq.labels(band=FAQ_BANDS[state]).inc()
        elif flow == "check" and trigger == "begin":
            self.checks_started.inc()
        elif flow == "check" and state == "done":  # "done" has no way in from itself: one per verdict
            self.checks_finished.inc()
        elif flow == "calc":
            self.calculator.inc()

    def bot_api_error(self, method: str, error: BaseException) -> None:
        """Count one failed Bot API call by method and error kind."""
        self.api_errors.labels(method=method, kind=error_kind(error)).inc()

    def flood_refused(self) -> None:
        """Count one dropped turn."""
        self.flood.inc()

    def watch_inbox(self, depth: Callable[[], int]) -> None:
        """Read the inbox depth from ``depth`` at every scrape."""
        self.inbox.set_function(lambda: float(depth()))

    # --- serving -----------------------------------------------------------------------------------

    def serve(self, listen: str, port: int) -> int:
        """Serve ``GET /metrics`` on ``listen:port`` from a daemon thread; returns the port (for port 0)."""
        from prometheus_client import start_http_server

        self._server, _thread = start_http_server(port, addr=listen, registry=self.registry)
        bound: int = self._server.server_port
        log.info("metrics on http://%s:%d/metrics", listen, bound)
        return bound

    def scrape(self) -> str:
        """The text a scrape would get now."""
        from prometheus_client import generate_latest

        return generate_latest(self.registry).decode()

    def close(self) -> None:
        """Stop the server, if one was started."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def open_metrics(settings: Settings, version: str = "") -> Metrics:
    """The metrics the settings ask for: served on ``metrics_port`` when it is set, else none."""
    if not settings.metrics_port:
        return Metrics()
    metrics = PrometheusMetrics(version)
    metrics.serve(settings.metrics_listen, settings.metrics_port)
    return metrics
