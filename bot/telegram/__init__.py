"""The Telegram transport: python-telegram-bot handlers (``adapter``) and their wiring (``app``)."""
