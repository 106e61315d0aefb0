"""``loan-advisor kb``: knowledge base tools for editors (build, check, coverage, fingerprint, unanswered).

``kb check`` loads the data files and applies every cross-file rule (exit 1 on any problem, which is what
``make kbcheck`` and CI rely on), including those that need the articles, against their fingerprints;
with ``--sources DIR`` it also verifies the fingerprints against the article files. ``kb fingerprint
--sources DIR`` rebuilds ``fingerprints.json`` from the articles (``--list`` prints the requirement
statements it finds, with their text, for the editor of ``criteria.yaml``). ``kb coverage`` shows which
FAQ entries cover each article section; ``kb build`` builds the matchers' saved index (``make setup`` runs
it; a process that finds it missing or stale builds it at start-up), and ``kb check`` says when it is
missing or stale; ``kb unanswered`` is implemented in
:mod:`bot.commands.kb_unanswered` and only dispatched from here.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase

#: the module that implements ``kb unanswered`` (written separately, loaded only when asked for)
UNANSWERED_MODULE = "bot.commands.kb_unanswered"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``check``, ``coverage`` and ``unanswered`` actions under ``kb``."""
    actions = parser.add_subparsers(
        dest="kb_command", required=True, metavar="{build,check,coverage,fingerprint,unanswered}"
    )

    build = actions.add_parser(
        "build", help="构建问答匹配器的索引（启动时直接读取；缺失或过期时启动会自动重建）"
    )
    _add_data_dir(build)
    build.set_defaults(_kb_action=_build)

    check = actions.add_parser("check", help="加载知识库并检查跨文件规则；有问题时退出码为 1")
    _add_data_dir(check)
    check.add_argument(
        "--sources", type=Path, default=None, help="原文目录；给出时还核对指纹与原文是否一致"
    )
    check.add_argument(
        "--no-confusions",
        action="store_true",
        help="不列出匹配器在标注样例上常混淆的条目（这一步要把样例交叉打分一遍，约十几秒）",
    )
    check.set_defaults(_kb_action=_check)

    fingerprint = actions.add_parser("fingerprint", help="由原文重建 fingerprints.json（不含原文文字）")
    _add_data_dir(fingerprint)
    fingerprint.add_argument("--sources", type=Path, required=True, help="五篇原文所在的目录")
    fingerprint.add_argument(
        "--list", action="store_true", help="只列出识别出的申请要求语句（含原文），不写文件"
    )
    fingerprint.set_defaults(_kb_action=_fingerprint)

    coverage = actions.add_parser("coverage", help="列出每篇来源的每个章节由哪些问答条目覆盖")
    _add_data_dir(coverage)
    coverage.add_argument(
        "--fail-on-gap", action="store_true", help="有章节没有任何条目覆盖时，退出码为 1"
    )
    coverage.set_defaults(_kb_action=_coverage)

    unanswered = actions.add_parser("unanswered", help="列出助手答不上来的问题（由 kb_unanswered 实现）")
    # Its options belong to that module, so they can only be registered when it imports; when it does
    # not, ``kb unanswered`` still parses and run() explains what is missing.
    module = _unanswered_module()
    if module is not None:
        module.add_arguments(unanswered)
    unanswered.set_defaults(_kb_action=_unanswered)


def run(args: argparse.Namespace) -> int:
    """Run the chosen ``kb`` action; returns the exit status."""
    status: int = args._kb_action(args)
    return status


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="知识库数据目录（默认为随包发布的 knowledge/data）"
    )


def _load(args: argparse.Namespace) -> tuple[KnowledgeBase, Path] | None:
    """Load the knowledge base named by ``--data-dir``; print why and return None when it cannot."""
    from knowledge.base import DATA_DIR, KnowledgeBaseError, load

    data_dir: Path = args.data_dir or DATA_DIR
    try:
        return load(data_dir), data_dir
    except KnowledgeBaseError as exc:
        print(f"知识库加载失败：{exc}")
        return None


def _check(args: argparse.Namespace) -> int:
    from knowledge.validate import problems

    loaded = _load(args)
    if loaded is None:
        return 1
    kb, data_dir = loaded
    found = problems(kb, data_dir, sources_dir=args.sources) + _sign_problems(kb, data_dir)
    if found:
        for message in found:
            print(message)
        print(f"知识库检查未通过：发现 {len(found)} 个问题。")
        return 1
    articles = sum(1 for s in kb.sources.values() if s.kind == "article")
    wants = len(kb.entries) - len(kb.faq_entries())
    print(
        f"知识库检查通过：{articles} 篇来源，{len(kb.products)} 个产品，{len(kb.faq_entries())} 条问答，"
        + (f"{wants} 种对话意图，" if wants else "")
        + f"{len(kb.criteria)} 条资格条件。"
    )
    _print_index_state(kb)
    _print_classifier_state(kb, data_dir)
    if not args.no_confusions:
        _print_confusions(kb)
    return 0


def _build(args: argparse.Namespace) -> int:
    from knowledge.understanding import build_index, index_state

    loaded = _load(args)
    if loaded is None:
        return 1
    kb = loaded[0]
    before = index_state(kb)
    for view, folder in zip(("faq", "wants"), build_index(kb), strict=True):
        size = sum(p.stat().st_size for p in folder.glob("*.npy"))
        done = "已是最新" if before[view] == "fresh" else "已构建"
        print(f"匹配索引（{view}）{done}：{folder}（{size / 1024 / 1024:.1f} MB）")
    return 0


def _print_classifier_state(kb: KnowledgeBase, data_dir: Path) -> None:
    """A note when the want classifier was fitted on other examples than the knowledge base's (only for
    the folder the classifier is saved in: another knowledge base is read without it)."""
    from knowledge.understanding.want_classifier import MODEL_PATH, classifier_state

    if Path(data_dir).resolve() != MODEL_PATH.parent.resolve():
        return
    state = classifier_state(kb)
    if state != "fresh":
        what = "还没有拟合" if state == "missing" else "是用旧的例句拟合的"
        print(
            f"提示：意图分类器{what}，运行 python -m knowledge.understanding.calibrate --wants 重新拟合"
            "（例句改过以后都要做）。"
        )


def _print_index_state(kb: KnowledgeBase) -> None:
    """A note when the matchers' saved index is missing or stale (start-up then builds it, slowly)."""
    from knowledge.understanding import index_state

    states = index_state(kb)
    stale = [view for view, state in states.items() if state == "stale"]
    missing = [view for view, state in states.items() if state == "missing"]
    if stale:
        print(
            f"提示：匹配索引已过期（{'、'.join(stale)}：数据、词表或代码改过），"
            "运行 loan-advisor kb build 重建；不重建时，启动时会先重建（较慢）。"
        )
    if missing:
        print(
            f"提示：还没有匹配索引（{'、'.join(missing)}），运行 loan-advisor kb build 构建；"
            "不构建时，第一次启动时会先构建（较慢）。"
        )


def _fingerprint(args: argparse.Namespace) -> int:
    from knowledge import fingerprints
    from knowledge.base import KnowledgeBaseError
    from knowledge.provenance import load_provenance

    loaded = _load(args)
    if loaded is None:
        return 1
    kb, data_dir = loaded
    try:
        provenance = load_provenance(data_dir)
        built = fingerprints.build(kb, provenance, args.sources)
    except KnowledgeBaseError as exc:
        print(f"指纹生成失败：{exc}")
        return 1
    if args.list:
        for source_id, file_name in fingerprints.article_files(kb).items():
            text = (args.sources / file_name).read_text(encoding="utf-8")
            found = fingerprints.requirement_statements(source_id, text, provenance.requirements)
            for statement, words in found:
                print(f"{statement.id}\t{','.join(statement.products)}\t{','.join(statement.terms)}\t{words}")
        return 0
    path = data_dir / fingerprints.FINGERPRINT_FILE
    fingerprints.write(built, path)
    statements = sum(len(a.statements) for a in built.articles.values())
    print(f"已写入 {path}：{len(built.articles)} 篇原文，{statements} 条申请要求语句。")
    return 0


def _sign_problems(kb: KnowledgeBase, data_dir: Path) -> list[str]:
    """The message check's signs file (``scam_signs.yaml``), when the folder has one: its shape, and the
    sources and FAQ entries it cites."""
    from knowledge.base import KnowledgeBaseError
    from knowledge.inspection.signs import SIGNS_FILE, load_signs, problems

    if not (data_dir / SIGNS_FILE).exists():
        return []
    try:
        return problems(kb, load_signs(data_dir))
    except KnowledgeBaseError as error:
        return [str(error)]


def _print_confusions(kb: KnowledgeBase) -> None:
    """The pairs of entries the matcher mixes up on the labelled examples (advice for editors, no
    failure): candidates for merging, an overview answer, or sharper paraphrases."""
    from knowledge.understanding.confusion import AT_LEAST, confusions
    from knowledge.understanding.lexicon import load_lexicon

    found = confusions(kb, load_lexicon())
    if not found:
        print(f"标注样例上没有被匹配器混淆 {AT_LEAST} 次以上的条目对。")
        return
    print(
        f"提示：以下条目对在标注样例上常被匹配器混淆（交叉拟合打分，至少 {AT_LEAST} 次；"
        "可考虑合并、写成总览回答，或让改写更能区分）："
    )
    for c in found:
        print(
            f"  {c.first} ↔ {c.second}：{c.total} 次"
            f"（{c.first} 被当成 {c.second} {c.first_as_second} 次，反过来 {c.second_as_first} 次）"
            + ("，已声明为一并回答（together）" if c.together else "")
        )


def _coverage(args: argparse.Namespace) -> int:
    from knowledge.coverage import gaps, report

    loaded = _load(args)
    if loaded is None:
        return 1
    kb = loaded[0]
    print(report(kb))
    return 1 if args.fail_on_gap and gaps(kb) else 0


def _unanswered_module() -> ModuleType | None:
    """The ``kb unanswered`` module, or None when it is missing or fails to import."""
    try:
        return importlib.import_module(UNANSWERED_MODULE)
    except Exception:  # a broken sibling module must not take `kb check` down with it
        return None


def _unanswered(args: argparse.Namespace) -> int:
    try:
        module = importlib.import_module(UNANSWERED_MODULE)
    except Exception as exc:  # missing or broken: say so instead of a traceback
        print(f"“kb unanswered” 暂不可用：无法加载模块 {UNANSWERED_MODULE}（{exc}）。")
        return 2
    status: int = module.run(args)
    return status
