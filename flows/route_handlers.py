"""What each route does with a typed message: the ``on_…`` handlers the route tables name
(:mod:`flows.routes`, and each flow's own ``ROUTES``), and the want each shared route serves a message as.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flows import calc_flow, calculator, compare_flow, eligibility, faq, menu, next_steps, wants
from flows.buttons import CheckProduct, CheckStart
from flows.calc_charges import PENALTY, charges_reply
from flows.compare import choose_reply, compare_reply
from flows.engine_base import CONCERN_TURNS, EngineBase
from flows.faq import answer_aside
from flows.i18n import N_, _
from flows.inspect_view import checked_message_reply, inspection_reply, message_follow_up
from flows.render import render_entry, render_match
from flows.reply import Message, Reply, esc
from flows.routes import ASKS_WHICH, REPORTED, SCAM_CONCERNS, TurnContext
from flows.session import CheckedMessage, Session
from knowledge.calc_parse import looks_like_calculation
from knowledge.calc_request import CalcRequest
from knowledge.eligibility import checkable_products
from knowledge.inspection import inspect_message
from knowledge.models import AttributeKey
from knowledge.understanding.api import FaqMatch
from knowledge.understanding.english_facts import english_calc_follow_up, english_loan


class RouteHandlers(EngineBase):
    """The handlers of the routes: each takes the turn's context and what the recogniser found."""

    def on_inspect(self, ctx: TurnContext, _payload: object) -> Reply:
        """A message received and passed on: its scam signs and true cost, nothing of it kept; the flow in
        progress goes on after it."""
        report = inspect_message(ctx.reading.plain, normalised=True)
        read_text = report.text if ctx.origin == "photo" else None
        figures = report.figures
        ctx.session.checked = CheckedMessage(
            signs=report.sign_ids,
            fee=figures.fee if figures is not None else 0.0,
            irr=figures.irr_annual_pct if figures is not None else None,
            band=figures.solved.band if figures is not None else None,
        )
        self._keep_concern(ctx, "message")
        return self._aside(ctx, inspection_reply(self.kb, report, read_text=read_text))

    def on_crisis(self, ctx: TurnContext, _payload: object) -> Reply:
        ctx.hold = True
        self._keep_concern(ctx, "crisis")
        reply = self._aside(ctx, wants.crisis_reply(self.kb))
        ctx.session.offer = "entry:overdue.cant_repay"  # 「嗯」 then opens the help with the debt
        return reply

    def on_scammed(self, ctx: TurnContext, _payload: object) -> Reply:
        """Money already lost to a scam: what to do now. Told again in the next messages (「他们说再交3000
        就能放款」), the few lines that matter, not the same paragraph word for word."""
        ctx.hold = True
        again = ctx.session.concern == "scam_paid"
        self._keep_concern(ctx, "scam_paid")
        if "act.sad" in ctx.reading.cued:  # 「我真是太蠢了 被骗了3000」: the shame met first
            return self._aside(ctx, wants.scam_comfort_reply(self.kb, ctx.session))
        follow_up = wants.scam_follow_up_reply(self.kb, ctx.reading.text) if again else None
        if follow_up is not None:  # 「报警有用吗」 once the steps were given: that question answered
            return self._aside(ctx, follow_up)
        return self._aside(ctx, wants.scam_again_reply(self.kb) if again else wants.scammed_reply(self.kb))

    def on_concern(self, ctx: TurnContext, concern: str) -> Reply:
        """A follow-up read in the light of the last turns: despair met warmly again with the lines to call
        and the next steps with the debt; a scam going on, what to do now; a message just checked, what it
        comes to (its signs, the fee it asks first, its true rate)."""
        ctx.hold = True
        self._keep_concern(ctx, concern)
        if concern == "crisis":
            return self._aside(ctx, wants.comfort_reply(self.kb, ctx.session))
        if concern == "message" and ctx.session.checked is not None:
            line = message_follow_up(ctx.reading.text)
            if line is not None and not REPORTED.search(ctx.reading.text):
                return self._aside(ctx, Reply().add(line))  # 「我没转 已经删了」「那我征信会不会受影响」
            return self._aside(ctx, checked_message_reply(self.kb, ctx.session.checked))
        follow_up = wants.scam_follow_up_reply(self.kb, ctx.reading.text)
        if follow_up is not None:  # 「那个app要不要删」: answered in one line, then the lines that matter
            return self._aside(ctx, follow_up)
        match = ctx.meaning
        reported = REPORTED.search(ctx.reading.text)  # 「他说不交就影响征信」: the scammer's words
        if match.band == "answer" and match.entry_id in self.kb.entries and not reported:
            # 「那我征信还能好吗」 mid-scam: the question answered, and one line on what the scammer said
            # (the whole scam reply again, word for word, would answer nothing)
            reply = answer_aside(self.kb, ctx.session, match)
            return self._aside(ctx, reply.add(wants.scam_threat_line()))
        if concern == "scam_paid":  # money already gone: the lines that matter, not the first warning again
            return self._aside(ctx, wants.scam_again_reply(self.kb))
        return self._aside(ctx, wants.scam_ongoing_reply(self.kb))

    @staticmethod
    def _keep_concern(ctx: TurnContext, concern: str) -> None:
        """Read the next few messages in the light of ``concern`` (see :attr:`Session.concern`)."""
        ctx.session.concern, ctx.session.concern_left = concern, CONCERN_TURNS

    def on_identifier(self, ctx: TurnContext, kinds: list[str]) -> Reply:
        """Warn, never echo; then serve whatever else the message asks, as if the number were not there.

        A message that holds an identifier is never written to the unanswered log, not even redacted.
        """
        ctx.extra["identifier"] = True
        reply = wants.identifier_warning(kinds)
        skip = {"identifier"}
        if ctx.reading.want == "act.identifier":
            skip |= {"marked", "want"}  # the number is what made it that want: the rest asks on its own
        rest = self._route(ctx, skip=frozenset(skip))
        return reply.extend(rest)

    def on_english(self, ctx: TurnContext, _payload: object) -> Reply:
        want = _english_want(ctx)
        if want == "act.despair":  # 「is there anyone i can talk to」 after despair
            return self.on_crisis(ctx, None)
        if want == "act.scammed":  # 「is it possible to get the money back」
            return self.on_scammed(ctx, None)
        if want == "act.check":  # 「can I check if I qualify for xiaomi loan」
            ctx.session.english_introduced = True
            return self._begin_check(ctx.session, self._products_for_check(ctx, ctx.reading.products))
        if want is not None:
            # 「i feel really down」「that's not what i asked」, or small talk (「ok thanks a lot」): answered
            ctx.extra["want"] = want
            return self.on_want(ctx, self.kb.entries[want].action or "")
        if ctx.reading.facts and ctx.session.english_introduced:  # 「I am 31」: kept, and the check offered
            return self.on_offer_check(ctx, dict(ctx.reading.facts))
        named = list(dict.fromkeys(p for p in ctx.reading.products if p in self.kb.products))
        if len(named) >= 2 and _ENGLISH_COMPARE.search(ctx.reading.text):
            ctx.session.english_introduced = True  # 「compare weilidai and xiaomi loan」: the side-by-side
            return self.on_compare(ctx, named)
        loan = english_loan(ctx.reading.text)
        # 「how much interest for 10000 over 12 months」: a new loan to price
        if loan is not None and looks_like_calculation(loan):
            ctx.session.english_introduced = True
            return self.on_calc_input(ctx, loan)
        follow_up = english_calc_follow_up(ctx.reading.text) if ctx.session.flow == "calc" else None
        if follow_up is not None:  # 「and the total interest」 after an English loan: the same loan, asked on
            return self.on_calc_input(ctx, follow_up)
        topics = self.reader.english_topics(ctx.reading)
        entry = self.reader.english_entry(ctx.reading)
        in_a_scam = ctx.session.concern in SCAM_CONCERNS
        if entry is None and in_a_scam and _ENGLISH_WHAT_NOW.search(ctx.reading.text):
            return self.on_scammed(ctx, None)  # 「what should i do now」 after telling of a scam
        last = ctx.session.faq.entry_id
        if entry is None and not topics and last is not None and self.kb.entries[last].english:
            entry = last  # 「is that normal?」 after an answer: the topic kept, as in Chinese
        introduced = ctx.session.english_introduced
        reply = wants.english_reply(self.kb, topics, introduced=introduced, answering=entry is not None)
        ctx.session.english_introduced = True
        if entry is not None:  # the answer the message points at: its gist in English, then in Chinese
            gist = self.kb.entries[entry].english
            if gist:  # after the introduction, before the line that says the answer below is Chinese
                reply.messages.insert(0 if introduced else 1, Message(text=esc(gist)))
            reply.extend(render_entry(self.kb, entry, named[0] if len(named) == 1 else ctx.session.product))
            ctx.session.faq.entry_id = entry  # the topic a follow-up keeps
        return reply

    def on_compare(self, ctx: TurnContext, products: list[str]) -> Reply:
        ctx.session.compare = []  # a new comparison, whatever was compared before
        return self._compare(ctx.session, products)

    def on_compare_more(self, ctx: TurnContext, products: list[str]) -> Reply:
        return self._fire(compare_flow.MACHINE, "show", ctx.session, products)

    def on_compare_row(self, ctx: TurnContext, key: AttributeKey) -> Reply:
        """A question about the products compared (「这俩哪个上征信」): that row of their table."""
        return compare_reply(self.kb, ctx.session.compare, only=key)

    def on_compare_choose(self, ctx: TurnContext, _payload: object) -> Reply:
        """「那我到底该选哪个」 after a comparison: how to weigh it; the advisor does not pick."""
        return choose_reply(self.kb, ctx.session.compare)

    def on_calc(self, ctx: TurnContext, text: str) -> Reply:
        """A calculation asked outside the calculator; a loan that names no product nor rate, asked right
        after an answer about one product (「WE2000利息多少」 then 「那借2000分3期要还多少」), is priced by
        that product's rates."""
        session = ctx.session
        mentions = ctx.reading.mentions if text == ctx.reading.text else []
        compared = session.flow == "compare" and len(session.compare) >= 2
        return self._calc(
            session, (text, mentions, ",".join(session.compare) if compared else _priced_by(session))
        )

    def on_overdue_now(self, ctx: TurnContext, days: int) -> Reply:
        """「我已经逾期三天了」: pay it back soon, what those days cost per 1万 under each product's rule
        (the product in view, if any), and the calculator open for the sum owed; a question asked beside
        it (「会上征信吗」) answered first."""
        session = ctx.session
        in_view = _priced_by(session)
        reply = Reply()
        match = ctx.meaning
        if ctx.reading.is_question and match.band == "answer":
            reply.extend(answer_aside(self.kb, session, match))
            for message in reply.messages:
                message.buttons = []
        reply.add(_("逾期{days}天了，先尽快把欠的钱还上：罚息按天算，拖得越久越多。").format(days=days))
        product = next((p for p in ctx.reading.products if p in self.kb.products), None) or in_view
        example = CalcRequest(intent="penalty", amount=10_000, overdue_days=days, product=product)
        reply.extend(charges_reply(self.kb, example, PENALTY))
        for message in reply.messages:
            message.buttons = []  # the calculator's own buttons follow
        return reply.extend(self._calc(session, (ctx.reading.text, ctx.reading.mentions, in_view)))

    def on_debt_burden(self, ctx: TurnContext, _payload: object) -> Reply:
        """「欠了八个平台 加起来十二万 工作也没了」: a few words to the person, then what can be done."""
        reply = Reply().add(
            _(
                "一下子压着这么多，换谁都会慌。先别借新的去还旧的，以贷养贷只会越滚越多；"
                "一步一步来，下面是能做的："
            )
        )
        return reply.extend(render_entry(self.kb, "overdue.cant_repay", ctx.session.product))

    def on_product_card(self, ctx: TurnContext, product: str) -> Reply:
        """「我想了解一下WE2000」: the product's card, as the product menu shows it."""
        ctx.session.product = product
        return self._fire(menu.MACHINE, "open_product", ctx.session, product)

    def on_borrow(self, ctx: TurnContext, text: str) -> Reply:
        """「借5000」: what that loan costs, asked for as the calculator does, and the self-check beside it
        (whether they can get it is the other half of the question; neither is urged)."""
        reply = self.on_calc(ctx, text)
        reply.messages[-1].buttons.append([CheckStart().button(_("我能申请吗？（资格自测）"))])
        return reply

    def on_want(self, ctx: TurnContext, action: str) -> Reply:
        session, reading = ctx.session, ctx.reading
        if action == "check":
            match = reading.want_match
            named = [match.product] if match.product else reading.products
            return self._begin_check(session, self._products_for_check(ctx, named))
        if action == "calc":
            if reading.loan.has_numbers():  # 「借1万分12期 每月手续费1% 实际年化是多少」: worked out
                return self.on_calc(ctx, reading.text)
            in_progress = session.flow == "calc" and CalcRequest.from_dict(session.calc).has_numbers()
            if in_progress and calculator.ABOUT_THE_LOAN.search(reading.text):
                return self.on_calc_input(ctx, reading.text)  # 「每个月还多少」: about the loan in progress
            session.calc = {}  # 「帮我算利息」: a new sum, from its first question
            return self._calc(session, None)  # 「能帮我算账吗」: how to ask
        if action == "compare":
            return self._compare(session, [p for p in reading.products if p in self.kb.products])
        if action == "products":
            return self._fire(menu.MACHINE, "show_products", session)
        if action == "topics":
            return self._fire(menu.MACHINE, "show_topics", session)
        if action == "help":
            return self._aside(ctx, wants.help_reply())
        if action == "crisis":
            return self.on_crisis(ctx, None)
        if action == "scammed":
            return self.on_scammed(ctx, None)
        if action == "comfort":
            ctx.hold = True
            if session.concern in SCAM_CONCERNS:  # ashamed after a scam: the scam is still the matter
                self._keep_concern(ctx, session.concern)
                return self._aside(ctx, wants.scam_comfort_reply(self.kb, session))
            self._keep_concern(ctx, "crisis")
            return self._aside(ctx, wants.comfort_reply(self.kb, session))
        if action == "scam_ongoing":  # the message itself tells of the scam: the whole reply
            ctx.hold = True
            self._keep_concern(ctx, "scam")
            return self._aside(ctx, wants.scam_ongoing_reply(self.kb))
        if action == "inspect_prompt":
            return self._aside(ctx, wants.inspect_prompt())
        if action == "answer":
            want = ctx.extra.get("want") or reading.want or ""
            return self._aside(ctx, wants.related_answer(self.kb, want, session.product))
        if action == "identifier":  # 「要不要发身份证号」; after a pasted one the warning is already given
            return self._aside(ctx, Reply() if ctx.extra.get("identifier") else wants.identifier_warning([]))
        offer = ctx.extra.get("offer") or ""
        if action == "affirm" and offer == "check":
            return self._begin_check(session)
        if action == "affirm" and offer.startswith("entry:") and offer[6:] in self.kb.entries:
            return self._fire(faq.MACHINE, "open_entry", session, (offer[6:], session.product))
        if action == "affirm" and session.paused:
            return self._resume(session, next(reversed(session.paused)))
        if action == "affirm" and offer == "resume":
            return self._resume(session, session.flow)
        if action in ("affirm", "deny") and self._resumable(session.flow, session.state, session):
            # a plain 「好」「行 知道了」 mid-flow answers nothing (「行」 is not 「能看到入口」):
            # acknowledged, and the pending question again
            return self._aside(ctx, Reply().add(_("好的，我们接着来。")))
        if session.concern == "crisis" and action in ("thanks", "bye", "laugh"):
            # 「谢谢你 我没事 就是想说说」 after despair: not a breezy 「还有别的问题随时问」
            ctx.hold = True
            return self._aside(ctx, wants.crisis_goodbye())
        # thanks, goodbye, a laugh: answered, and the flow in progress offered back rather than asked again
        ctx.hold = action != "greet"
        if action == "bye" and wants.DEFERRAL.search(reading.text):
            action = "later"  # 「那我毕业了再来」: put off, not gone
        reply = wants.small_talk(action, session)  # type: ignore[arg-type]
        if action == "greet" and reading.script == "latin" and session.locale != "en" and reply.messages:
            # 「hi」 alone may come from anyone: the greeting in the chat's language, and one line in English
            reply.messages[-1] = reply.messages[-1].model_copy(
                update={"text": reply.messages[-1].text + "\n" + _(ENGLISH_HELLO)}
            )
            session.english_introduced = True  # that line introduced the advisor: not again at the question
        return self._aside(ctx, reply)

    def on_check_situation(self, ctx: TurnContext, _facts: dict[str, Any]) -> Reply:
        """A situation and 「能批吗」: the self-check with the facts, for the products named (or the one the
        person is looking at); asked which would take them (「有什么能借的」), every product."""
        named = eligibility.checkable_named(self.kb, ctx.reading.products, ctx.reading.text)
        if ASKS_WHICH.search(ctx.reading.text) and len(named) < 2:  # 「微粒贷和小米贷款哪个能批」: those two
            return self._begin_check(ctx.session, checkable_products(self.kb))
        return self._begin_check(ctx.session, self._products_for_check(ctx, ctx.reading.products))

    def _products_for_check(self, ctx: TurnContext, named: list[str]) -> list[str] | None:
        """The checkable products a message asks about; none named: the product in view, if checkable."""
        chosen = eligibility.checkable_named(self.kb, named, ctx.reading.text)
        if not chosen and ctx.session.product in checkable_products(self.kb):
            chosen = [ctx.session.product]  # 「我能开不」 right after the answer about 微粒贷
        return chosen or None

    def on_offer_check(self, ctx: TurnContext, facts: dict[str, Any]) -> Reply:
        """Facts stated outside the self-check: kept, said back, and a check with them offered."""
        if self._resumable(ctx.session.flow, ctx.session.state, ctx.session):
            known = eligibility.facts_text(facts)
            return self._aside(ctx, Reply().add(_("记下了：{facts}。").format(facts=known)))
        session = ctx.session
        if session.check.products and "check" not in session.paused:
            # 「身份证有 支付分好像650」 after the WE2000 result and a side question: that check, judged again
            session.flow, session.state = "check", "done"
            return self.on_recheck(ctx, facts)
        ctx.session.offer = "check"
        # everything told so far, not only this message's part: the check would start from all of it
        return wants.offer_check(self.kb, eligibility.facts_text(ctx.session.profile), session.product)

    def on_what_now(self, ctx: TurnContext, entry_id: str) -> Reply:
        """「那咋办」 after an answer: not a question to decline, but the next step about that answer."""
        return wants.what_now(self.kb, entry_id, ctx.session.product)

    def on_ask(self, ctx: TurnContext, match: FaqMatch) -> Reply:
        """An FAQ question: answered, met with suggestions, or declined (worded afresh the second time)."""
        session = ctx.session
        if ctx.extra.get("identifier") and match.band != "answer":
            return self._aside(ctx, Reply())  # nothing asked beside the number: the warning says it all
        several = ctx.questions
        if several:
            return self._answer_each(ctx, several)
        shown = (session.flow, session.faq.entry_id, session.faq.product)
        again_shown = match.band == "answer" and shown == ("faq", match.entry_id, match.product)
        if again_shown and ctx.reading.cued and not ctx.reading.is_question:
            # 「中 谢了老铁 👍」 after an answer: a thanks, not a request to see that answer again
            return self.on_want(ctx, self.kb.entries[ctx.reading.cued[0]].action or "")
        if match.band != "answer" and ctx.reading.cued and not _question_beside_ok(ctx):
            # nothing understood but a 「谢谢」 or a 「拜拜」 in it: that is what the message is (a question
            # beside it, 「好吧 助学贷款咋申请」, is not a 「好」)
            return self.on_want(ctx, self.kb.entries[ctx.reading.cued[0]].action or "")
        if match.band != "answer":
            self.log_unanswered(match)
        answering = session.flow == "check" and session.state == "asking"
        figure_only = not ctx.reading.has_words  # 「650」 asks nothing the FAQ answers
        if (match.band == "decline" or figure_only) and answering and not ctx.reading.is_question:
            return self._fire(eligibility.MACHINE, "unclear", session)  # 「没看明白这个回答」, asked again
        again = False
        if match.band == "decline":
            session.fallbacks = ctx.extra.get("fallbacks", 0) + 1
            again = session.fallbacks >= 2
            ctx.extra["declined"] = True
        if self._resumable(session.flow, session.state, session) or session.flow in ("calc", "compare"):
            if again:
                return self._aside(ctx, render_match(self.kb, match, again=True))
            return self._aside(ctx, answer_aside(self.kb, session, match))
        if again:
            return render_match(self.kb, match, again=True)
        reply = self._fire(faq.MACHINE, "ask", session, match)
        if again_shown and reply.messages:
            # 「多久能再申请」 right after that very answer: said so, rather than the same text as if new
            reply.messages.insert(0, Message(text=esc(_("刚才的回答里就讲到了，再贴一次："))))
        entry = self.kb.entries.get(match.entry_id or "")
        scam_topic = match.band == "answer" and entry is not None and entry.topic == "safety"
        if scam_topic and REPORTED.search(ctx.reading.text):
            # 「客服说我逾期了 让我先转500解冻」: a scam going on, told in the scammer's words; what
            # comes next (「那我真的逾期了吗」) is read in its light
            self._keep_concern(ctx, "scam")
        if "act.scammed" in ctx.reading.cued:
            # 「你是哪个平台的 能帮我追回来吗」: the question answered, and money lost is never left unmet
            reply.extend(wants.scammed_reply(self.kb))
        named = eligibility.checkable_named(self.kb, ctx.reading.products)
        if ctx.reading.facts and len(named) == 1 and reply.messages and _CAN_I.search(ctx.reading.text):
            # 「我今年42了 we2000还能开么」: the answer says what the articles say; the check of that product,
            # with what was told, is one tap away
            label = _("按我的情况测一下{product}").format(product=self.kb.product_name(named[0]))
            reply.messages[-1].buttons.insert(0, [CheckProduct(product=named[0]).button(label)])
            session.offer = "check"
        elif len(ctx.reading.facts) >= 2 and reply.messages:
            # the situation told beside the question is kept: offer the check that uses it
            reply.messages[-1].buttons.insert(0, [CheckStart().button(_("按我的情况测一下能不能申请"))])
            session.offer = "check"
        return reply

    def _answer_each(self, ctx: TurnContext, matches: list[FaqMatch]) -> Reply:
        """「额度多少 利息多少 逾期咋罚」: every question of the message answered, in the order asked; the
        last one answered is the one a follow-up refers to."""
        session = ctx.session
        if self._resumable(session.flow, session.state, session) or session.flow in ("calc", "compare"):
            reply = Reply()
            for match in matches:
                reply.extend(answer_aside(self.kb, session, match))
            for message in reply.messages:
                message.buttons = []  # the pending question's buttons follow
            return self._aside(ctx, reply)
        reply = self._fire(faq.MACHINE, "ask", session, matches[0])
        for match in matches[1:]:
            reply.extend(answer_aside(self.kb, session, match))
        for message in reply.messages[:-1]:
            message.buttons = []  # one keyboard, under the last answer: three would fill a phone's screen
        return reply

    # --- handlers of the self-check's routes --------------------------------------------------------

    def on_next_step(self, ctx: TurnContext, step: str) -> Reply:
        """「那咋办」「先申请哪个好」 after a verdict: answered from that verdict, nothing asked again."""
        if ctx.session.state == "asking":
            found = next_steps.which_first if step == "which_first" else next_steps.what_now_so_far
            return self._aside(ctx, found(self.kb, ctx.session))
        if step == "which_first":
            return next_steps.which_first(self.kb, ctx.session)
        return next_steps.what_now(self.kb, ctx.session)

    def on_choose(self, ctx: TurnContext, products: list[str]) -> Reply:
        return self._fire(eligibility.MACHINE, "choose", ctx.session, products)

    def on_skip(self, ctx: TurnContext, _payload: object) -> Reply:
        return self._fire(eligibility.MACHINE, "skip", ctx.session)

    def on_answer(self, ctx: TurnContext, value: object) -> Reply:
        return self._fire(eligibility.MACHINE, "answer", ctx.session, value)

    def on_paused_answer(self, ctx: TurnContext, value: object) -> Reply:
        """「有」 after a side sum: the paused check taken up again, with this as its pending answer."""
        session = ctx.session
        session.flow, session.state = "check", session.paused.pop("check")
        return self.on_answer(ctx, value)

    def on_check_product(self, ctx: TurnContext, products: list[str]) -> Reply:
        """「那微粒贷呢」 in a check: the same check for that product, from the facts already given."""
        return self._begin_check(ctx.session, products)

    def on_prefill(self, ctx: TurnContext, facts: dict[str, Any]) -> Reply:
        draft = ctx.session.check
        facts = {**facts, **eligibility.pending_answer_beside(ctx, facts)}
        corrected = [k for k in facts if draft.answers.get(k) not in (None, facts[k])]
        draft.answers.update(facts)
        return self._fire(eligibility.MACHINE, "prefill", ctx.session, (facts, corrected))

    def on_recheck(self, ctx: TurnContext, facts: dict[str, Any]) -> Reply:
        draft = ctx.session.check
        corrected = [k for k in facts if draft.answers.get(k) not in (None, facts[k])]
        draft.answers.update(facts)
        reply = Reply()
        if corrected or set(facts) - set(draft.asked):
            reply.add(_("按新的信息重新判断："))
        return reply.extend(self._fire(eligibility.MACHINE, "recheck", ctx.session, (facts, corrected)))

    # --- handlers of the calculator's routes --------------------------------------------------------

    def on_calc_input(self, ctx: TurnContext, text: str) -> Reply:
        mentions = ctx.reading.mentions if text == ctx.reading.text else []
        return self._fire(calc_flow.MACHINE, "input", ctx.session, (text, mentions))


def _priced_by(session: Session) -> str | None:
    """The product whose rates price a loan that names none: the one of the answer in view, or the one
    product being checked (「要是批了 借8000分6期每个月还多少」 in 小米贷款's check)."""
    if session.flow == "faq" and session.faq.entry_id:
        return session.product
    if session.flow == "check" and len(session.check.products) == 1:
        return session.check.products[0]
    return None


#: an English message asking for the self-check: 「am I eligible」「check if I qualify」 (「can I apply」 is
#: a question the requirements answer, with the self-check among the buttons)
_ENGLISH_CHECK = re.compile(r"\b(?:qualify|eligib\w*|self[- ]?check)\b|\bcheck (?:if|whether) i\b")
#: asking whether one can have a product (「还能开么」「能借吗」「能申请不」), beside facts about oneself
_CAN_I = re.compile(
    r"能(?:不能)?(?:借|开|申请|批|办|用|下款)|(?:开|借|申请|办)得?(?:了|下来)|可以(?:借|开|申请|办)"
)


#: wants an English message is served as whatever its length, when one of their cues is in it (small talk
#: only in a short message: 「thanks, and what is the interest on weilidai」 is a question)
_ENGLISH_WANTS = (
    "act.scammed", "act.sad", "act.scam_ongoing", "act.identifier", "act.lying", "act.black_loan",
    "act.complaint", "act.products", "act.calc",
)  # fmt: skip


def _english_want(ctx: TurnContext) -> str | None:
    """The want an English message is served as (:meth:`RouteHandlers.on_english`), or ``None`` when it is
    introduced to, with the topics it points at."""
    cued = ctx.reading.cued
    if ctx.session.concern == "crisis":
        return "act.despair"
    found = next((want for want in _ENGLISH_WANTS if want in cued), None)
    if found is not None:
        return found
    small = cued and len(ctx.reading.text.split()) <= 4 and not ctx.reading.is_question
    if small and ctx.engine.reader.english_entry(ctx.reading) is None:
        return cued[0]  # 「ok thanks a lot」; but 「ok what about interest」「hello, is weilidai legit?」 ask
    return "act.check" if _ENGLISH_CHECK.search(ctx.reading.text) else None


#: the want each shared route serves a message as (see :meth:`Engine.want_served`)
_WANT_OF_ROUTE: dict[str, Callable[[TurnContext, Any], str | None]] = {
    "global_word": lambda ctx, word: {"help": "act.help", "cancel": "act.deny"}.get(word),
    "quits": lambda ctx, _p: "act.deny",
    "despair": lambda ctx, _p: ctx.reading.want,
    "scammed": lambda ctx, _p: ctx.reading.want,
    "marked": lambda ctx, _p: ctx.reading.want,
    "want": lambda ctx, _p: ctx.reading.want,
    "guessed_want": lambda ctx, _p: ctx.reading.guessed_want,
    "english": lambda ctx, _p: _english_want(ctx),
    "identifier": lambda ctx, _p: "act.identifier",
    "situation": lambda ctx, _p: "act.check",
    "states_facts": lambda ctx, _p: "act.check",
    "comparison": lambda ctx, _p: "act.compare",
    "calculation": lambda ctx, _p: "act.calc",
    "figure_for_last_answer": lambda ctx, _p: "act.calc",
    "anything": lambda ctx, match: _cued_instead(ctx, match),
}


#: said in English in every language: a greeting in Latin letters may come from someone who reads no Chinese
ENGLISH_HELLO = N_(
    "(English: hi! I answer questions about Chinese online loans — Xiaomi, Weilidai, WE2000, WeChat "
    "platforms — from Chinese articles; write in English and I will point you to the answers.)"
)
#: 「compare weilidai and xiaomi loan」「which is cheaper, weilidai or we2000」: two products set side by side
_ENGLISH_COMPARE = re.compile(r"\b(?:compare|comparison|vs|versus|better|cheaper|difference|differ)\b")
#: 「what should i do now」: in English, asking for the next step (after a scam: what to do now)
_ENGLISH_WHAT_NOW = re.compile(r"\bwhat (?:should|do|can|shall) i\b|\bwhat now\b|\bwhat next\b|\bnow what\b")


def _question_beside_ok(ctx: TurnContext) -> bool:
    """「好吧 助学贷款咋申请」: a 「好」 or a 「不」 cued beside a question does not make the message one; nor
    does a laugh (「小米代款咋样啊 靠普不😂」 asks something), a greeting (「你好 想问下微粒贷是不是正规的」)
    or a thanks (「谢谢 那利息呢」)."""
    beside = ("act.affirm", "act.deny", "act.laugh", "act.greet", "act.thanks")
    return ctx.reading.cued[0] in beside and ctx.reading.is_question


def _cued_instead(ctx: TurnContext, match: FaqMatch) -> str | None:
    """The FAQ's route serves a want only when nothing was understood but a 「谢谢」 (see Engine.on_ask)."""
    taken = match.band != "answer" and ctx.reading.cued and not _question_beside_ok(ctx)
    return ctx.reading.cued[0] if taken else None
