"""PTB's rate limiter, counting every failed Bot API call for the operators' metrics (:mod:`bot.metrics`).

Every Bot API call of the bot except ``getUpdates`` passes through the rate limiter, whatever sent it
(the adapter's replies, the typing indicator, ``setMyCommands``), and each try does, including those the
limiter repeats after a ``RetryAfter``: so this is the one place where each failed try is seen once.
Failures of ``getUpdates`` reach the application's error handler instead (see the adapter's ``on_error``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import TelegramError
from telegram.ext import AIORateLimiter

from bot.metrics import Metrics


class CountingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that reports each failed try to ``metrics.bot_api_error``.

    Args:
        metrics: where failures are counted.
        **options: passed on to ``AIORateLimiter`` (``max_retries``, ``overall_max_rate``…).
    """

    def __init__(self, metrics: Metrics, **options: Any) -> None:
        super().__init__(**options)
        self.metrics = metrics

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Rate-limit the call as ``AIORateLimiter`` does, counting each try that fails."""

        async def counted(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                return await callback(*call_args, **call_kwargs)
            except TelegramError as error:
                self.metrics.bot_api_error(endpoint, error)
                raise

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
