"""What a button carries, as typed data: declared once here, packed into its id, read back when pressed.

In the spirit of aiogram's ``CallbackData``: each kind of button is a small frozen model with a
``prefix`` and typed fields. :meth:`ButtonData.pack` writes ``prefix:field:field`` (checking Telegram's
64-byte limit on ``callback_data``, in bytes, in one place); :func:`unpack` reads an id back into its model,
or ``None`` for an id that is not one of ours or does not fit its fields (a forged or stale button). The
engine dispatches on the type, so no module cuts strings apart to find out what was pressed.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from flows.reply import MAX_BUTTON_ID_BYTES, Button

SEPARATOR = ":"
#: a field holding several values (the products of a comparison) joins them with this
LIST_SEPARATOR = ","


class ButtonData(BaseModel):
    """Base of every kind of button. Subclasses set ``prefix`` and declare their fields in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prefix: ClassVar[str]

    def pack(self) -> str:
        """The button id: the prefix and each field, ``:``-separated; at most 64 bytes."""
        parts = [self.prefix]
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue  # optional fields come last, so leaving one out is unambiguous
            parts.append(LIST_SEPARATOR.join(value) if isinstance(value, tuple) else _text(value))
        packed = SEPARATOR.join(parts)
        if len(packed.encode()) > MAX_BUTTON_ID_BYTES:
            raise ValueError(f"button id over {MAX_BUTTON_ID_BYTES} bytes: {packed!r}")
        return packed

    def button(self, label: str) -> Button:
        """A button with this data and ``label``."""
        return Button(id=self.pack(), label=label)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- the kinds of buttons -------------------------------------------------------------------------------

NavAction = Literal["back", "skip", "cancel", "restart", "menu", "help", "home"]


class Nav(ButtonData):
    """返回 / 跳过 / 退出 …: the same steering as the typed global words."""

    prefix: ClassVar[str] = "nav"
    action: NavAction


class Home(ButtonData):
    prefix: ClassVar[str] = "menu:home"


class Topics(ButtonData):
    prefix: ClassVar[str] = "menu:topics"


class Topic(ButtonData):
    prefix: ClassVar[str] = "menu:topic"
    topic: str


class Products(ButtonData):
    prefix: ClassVar[str] = "menu:products"


class ProductCard(ButtonData):
    prefix: ClassVar[str] = "menu:product"
    product: str


class Privacy(ButtonData):
    prefix: ClassVar[str] = "menu:privacy"


class Help(ButtonData):
    prefix: ClassVar[str] = "menu:help"


class OpenEntry(ButtonData):
    """Open an FAQ answer (for one product when ``product`` is set)."""

    prefix: ClassVar[str] = "faq:entry"
    entry: str
    product: str | None = None


class CheckStart(ButtonData):
    prefix: ClassVar[str] = "check:start"


class CheckRestart(ButtonData):
    prefix: ClassVar[str] = "check:restart"


class CheckProduct(ButtonData):
    """Choose a product for the self-check (``all`` for every checkable one)."""

    prefix: ClassVar[str] = "check:product"
    product: str


class CheckAnswer(ButtonData):
    """An answer button of a self-check question: the question's key and the answer's token."""

    prefix: ClassVar[str] = "check:answer"
    key: str
    token: str


class Resume(ButtonData):
    """Go back to a flow left unfinished (「继续刚才的自测（第3题）」)."""

    prefix: ClassVar[str] = "resume"
    flow: Literal["check", "calc"]


class CalcStart(ButtonData):
    prefix: ClassVar[str] = "calc:start"


class CalcNew(ButtonData):
    prefix: ClassVar[str] = "calc:new"


class CalcAmount(ButtonData):
    prefix: ClassVar[str] = "calc:amount"
    yuan: int


class CalcTerm(ButtonData):
    """A term: ``months`` or ``days``."""

    prefix: ClassVar[str] = "calc:term"
    unit: Literal["m", "d"]
    count: int


class CalcMethod(ButtonData):
    prefix: ClassVar[str] = "calc:method"
    method: str


class CalcProduct(ButtonData):
    prefix: ClassVar[str] = "calc:product"
    product: str


class CalcPrice(ButtonData):
    prefix: ClassVar[str] = "calc:price"
    kind: str
    pct: float


class CalcDays(ButtonData):
    """Days overdue, for a penalty."""

    prefix: ClassVar[str] = "calc:days"
    days: int


class CalcSchedule(ButtonData):
    """The whole repayment schedule of the last calculation."""

    prefix: ClassVar[str] = "calc:schedule"


class CompareStart(ButtonData):
    prefix: ClassVar[str] = "compare:start"


class Compare(ButtonData):
    """Compare these products side by side."""

    prefix: ClassVar[str] = "compare:with"
    products: tuple[str, ...]


class CompareFull(ButtonData):
    """The whole comparison table of these products (the first one shown is short)."""

    prefix: ClassVar[str] = "compare:full"
    products: tuple[str, ...]


class Lang(ButtonData):
    prefix: ClassVar[str] = "lang"
    locale: str


#: every kind, longest prefix first (so ``menu:topics`` is tried before ``menu:topic``)
KINDS: tuple[type[ButtonData], ...] = tuple(
    sorted(
        (
            Nav, Home, Topics, Topic, Products, ProductCard, Privacy, Help, OpenEntry,
            CheckStart, CheckRestart, CheckProduct, CheckAnswer, Resume,
            CalcStart, CalcNew, CalcAmount, CalcTerm, CalcMethod, CalcProduct, CalcPrice, CalcDays,
            CalcSchedule, CompareStart, Compare, CompareFull, Lang,
        ),
        key=lambda kind: -len(kind.prefix),
    )
)  # fmt: skip


def unpack(button_id: str) -> ButtonData | None:
    """The data of a pressed button, or ``None`` when the id is not one of ours or its fields do not fit."""
    for kind in KINDS:
        if button_id != kind.prefix and not button_id.startswith(kind.prefix + SEPARATOR):
            continue
        rest = button_id[len(kind.prefix) + 1 :]
        names = list(kind.model_fields)
        values = rest.split(SEPARATOR, len(names) - 1) if names and rest else []
        if len(values) > len(names) or (not names and rest):
            return None
        fields: dict[str, Any] = {}
        for name, value in zip(names, values, strict=False):
            annotation = kind.model_fields[name].annotation
            several = annotation == tuple[str, ...]
            fields[name] = tuple(v for v in value.split(LIST_SEPARATOR) if v) if several else value
        try:
            return kind(**fields)
        except ValidationError:
            return None
    return None
