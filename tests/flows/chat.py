"""A test driver that talks to the engine the way a user does: typing, pressing buttons by label or id."""

from __future__ import annotations

from flows.engine import Engine
from flows.reply import Button, Reply, Turn, plain_text
from flows.session import Session


class Chat:
    """One user's conversation with an engine, keeping the session and the last reply."""

    def __init__(self, engine: Engine, session: Session | None = None) -> None:
        self.engine = engine
        self.session = session or Session()
        self.reply = Reply()

    def say(self, text: str) -> Reply:
        """Type a line (``/cmd`` lines are commands)."""
        self.reply = self.engine.handle(self.session, Turn.from_text(text))
        return self.reply

    def press(self, id_or_label: str) -> Reply:
        """Press a button of the last reply, by its id or its label."""
        button = self.button(id_or_label)
        self.reply = self.engine.handle(self.session, Turn(kind="button", text=button.id))
        return self.reply

    def press_id(self, button_id: str) -> Reply:
        """Press a button by id even if the last reply did not show it (an old message's button)."""
        self.reply = self.engine.handle(self.session, Turn(kind="button", text=button_id))
        return self.reply

    def button(self, id_or_label: str) -> Button:
        for button in self.reply.buttons():
            if id_or_label in (button.id, button.label):
                return button
        shown = [(b.id, b.label) for b in self.reply.buttons()]
        raise AssertionError(f"no button {id_or_label!r} in {shown}")

    @property
    def text(self) -> str:
        """The last reply as plain text."""
        return "\n".join(plain_text(m.text) for m in self.reply.messages)

    @property
    def ids(self) -> list[str]:
        return [b.id for b in self.reply.buttons()]

    @property
    def pending(self) -> str | None:
        """The self-check question waiting for an answer, if any."""
        if self.session.flow == "check" and self.session.state == "asking":
            return self.session.check.asked[-1]
        return None


#: self-check answers typed in plain words, one per question key (a profile that meets every criterion)
GOOD_PROFILE_TEXT = {
    "student": "不是，已经工作了",
    "age": "我今年二十五了",
    "mainland_id": "有",
    "credit": "征信良好，没有逾期",
    "monthly_income": "月入八千",
    "xiaomi_device": "有小米手机",
    "xiaomi_purchases": "在小米商城买过手机",
    "wechat_pay_bound": "开通了，绑了卡",
    "wechat_wallet_entry": "能看到入口",
    "wechat_pay_monthly": "每个月刷两三千",
    "wechat_active": "天天用",
    "wechat_pay_score": "六百五",
}
