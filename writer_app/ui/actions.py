"""Every menu action of the main window, with its shortcut, in one table (and the toolbar's subset)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from writer_app.assist.modes import MODES
from writer_app.reward.language import translation_targets
from writer_app.ui.command_palette import open_palette
from writer_app.ui.welcome import show_about, show_welcome

Key = QKeySequence.StandardKey
Handler = Callable[[QMainWindow], object]


@dataclass(frozen=True)
class ActionSpec:
    """One action: where it appears, what it is called, its key, and what it does to the window."""

    menu: str  # "File", "Edit", …; "Assist/Rewrite Selection" is a submenu
    text: str
    shortcut: str | Key | None
    handler: Handler | None  # None: a submenu the window fills (Open Recent)
    tip: str = ""
    toolbar: str = ""  # a label puts it on the toolbar too
    name: str = ""  # a key to find the QAction (or the submenu) by
    separator: bool = False  # a line above it in its menu
    checked: Callable[[QMainWindow], bool] | None = None  # a switch: its state when the window opens


def _rewrite(mode: str) -> Handler:
    return lambda w: w.session.request_rewrite(mode=mode)


def _translate(window: QMainWindow) -> None:
    """Assist → Transform → Translate…: the selection into a chosen language (the ranker checks the
    candidates are in it)."""
    targets = translation_targets()
    language = window.prompts.ask_choice(window, "Translate", "Translate the selection into:", targets)  # type: ignore[attr-defined]
    if language:
        window.session.request_rewrite(instruction=f"Translate the text into {language}.")  # type: ignore[attr-defined]


def _accept(position: int) -> Handler:
    return lambda w: w.session.accept_shown(position)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("File", "&New", Key.New, lambda w: w.new_document(), toolbar="New"),
    ActionSpec("File", "&Open…", Key.Open, lambda w: w.open_dialog(), toolbar="Open"),
    ActionSpec("File", "Open &Recent", None, None, name="File/Open Recent"),
    ActionSpec("File", "&Save", Key.Save, lambda w: w.save(), toolbar="Save"),
    ActionSpec("File", "Save &As…", "Ctrl+Shift+S", lambda w: w.save_as()),
    ActionSpec("File/&Export", "&HTML…", None, lambda w: w.exporter.export("html")),
    ActionSpec("File/&Export", "&PDF…", "Ctrl+Shift+E", lambda w: w.exporter.export("pdf")),
    ActionSpec("File/&Export", "&Word (DOCX)…", None, lambda w: w.exporter.export("docx")),
    ActionSpec("File", "&Quit", "Ctrl+Q", lambda w: w.close(), separator=True),
    ActionSpec("Edit", "&Undo", Key.Undo, lambda w: w.editor.undo(), name="undo"),
    ActionSpec("Edit", "&Redo", "Ctrl+Shift+Z", lambda w: w.editor.redo()),
    ActionSpec("Edit", "Cu&t", Key.Cut, lambda w: w.editor.cut(), separator=True),
    ActionSpec("Edit", "&Copy", Key.Copy, lambda w: w.editor.copy()),
    ActionSpec("Edit", "&Paste", Key.Paste, lambda w: w.editor.paste()),
    ActionSpec("Edit", "Select &All", Key.SelectAll, lambda w: w.editor.selectAll()),
    ActionSpec("Edit", "&Find…", Key.Find, lambda w: w.find_bar.open_bar(), toolbar="Find", separator=True),
    ActionSpec("Edit", "&Replace…", "Ctrl+H", lambda w: w.find_bar.open_bar(replace=True)),
    ActionSpec("Edit", "Find &Next", "F3", lambda w: w.find_bar.find_next()),
    ActionSpec("Edit", "Find &Previous", "Shift+F3", lambda w: w.find_bar.find_previous()),
    ActionSpec("Edit", "Pre&ferences…", "Ctrl+,", lambda w: w.open_preferences(), separator=True),
    ActionSpec("View", "Zoom &In", "Ctrl++", lambda w: w.zoom(1)),
    ActionSpec("View", "Zoom &Out", "Ctrl+-", lambda w: w.zoom(-1)),
    ActionSpec("View", "&Reset Zoom", "Ctrl+0", lambda w: w.zoom(0)),
    ActionSpec("View", "&Font…", "Ctrl+Shift+T", lambda w: w.choose_font()),
    ActionSpec(
        "View", "&Candidates Panel", "Ctrl+Shift+C", lambda w: w.show_dock(w.candidates_dock), separator=True
    ),
    ActionSpec("View", "AI &Edit History", "Ctrl+Shift+H", lambda w: w.show_dock(w.history_dock)),
    ActionSpec("View", "&Draft Panel", None, lambda w: w.show_dock(w.draft_dock)),
    ActionSpec("View", "&Style Panel", None, lambda w: w.show_dock(w.style_dock)),
    ActionSpec("View", "Re&view Panel", None, lambda w: w.show_dock(w.review_dock)),
    # Ctrl+digit, not Ctrl+Alt+digit: Ctrl+Alt is AltGr on many European keyboards.
    *(
        ActionSpec(
            "Assist/&Rewrite Selection",
            mode.label,
            f"Ctrl+{number}",
            _rewrite(mode.key),
            toolbar=mode.label if mode.key in ("grammar", "clarity", "concise") else "",
        )
        for number, mode in enumerate((m for m in MODES.values() if not m.transform), start=1)
    ),
    *(ActionSpec("Assist/&Transform", m.label, None, _rewrite(m.key)) for m in MODES.values() if m.transform),
    ActionSpec("Assist/&Transform", "&Translate…", "Ctrl+Shift+L", lambda w: _translate(w)),
    ActionSpec("Assist", "Custom &Instruction…", "Ctrl+Shift+R", lambda w: w.focus_instruction()),
    ActionSpec("Assist", "My Ac&tions", None, None, name="Assist/My Actions"),
    ActionSpec(
        "Assist",
        "Continue &Writing",
        "Ctrl+Shift+Return",
        lambda w: w.session.request_continuation(),
        separator=True,
    ),
    ActionSpec(
        "Assist",
        "Continue With a &Sentence",
        "Alt+Shift+Return",  # no Ctrl+Alt: that is AltGr on many keyboards
        lambda w: w.session.request_continuation("sentence"),
    ),
    ActionSpec("Assist", "Continue With About N &Words…", None, lambda w: w.continue_with_words()),
    ActionSpec(
        "Assist",
        "Rewrite in &Voice",
        "Ctrl+Shift+Y",
        lambda w: w.voices.imitate("rewrite"),
        tip="Rewrite the selection in the voice chosen in the Style panel (Continue Writing takes it too)",
        separator=True,
    ),
    ActionSpec("Assist", "Write in Voi&ce…", "Ctrl+Shift+I", lambda w: w.voices.write_in_voice()),
    ActionSpec(
        "Assist",
        "Plan a Long &Draft…",
        "Ctrl+Shift+D",
        lambda w: w.drafts.start_planning(),
        tip="An outline with word budgets, then section-by-section writing",
        separator=True,
    ),
    ActionSpec(
        "Assist",
        "Re&view Document",
        "F7",
        lambda w: w.reviews.start(),
        tip="Score every paragraph, shade the weakest and count the slop; it follows your edits",
        separator=True,
    ),
    ActionSpec("Assist", "&Pause or Resume Draft", "F8", lambda w: w.drafts.toggle_pause()),
    ActionSpec("Assist", "Stop Dr&aft", "Shift+F8", lambda w: w.drafts.stop()),
    ActionSpec(
        "Assist",
        "Suggest While &Typing",
        None,
        lambda w: w.set_suggestions(w.actions_by_name["ghost"].isChecked()),
        tip="Grey suggestions after a pause in typing: Tab accepts, Ctrl+Right takes a word, Esc dismisses",
        checked=lambda w: w.ghost.enabled,
        name="ghost",
    ),
    ActionSpec(
        "Assist/C&hanges",
        "&Review Changes of the First",
        "Ctrl+Shift+J",
        lambda w: w.candidates.review_shown(0),
    ),
    ActionSpec("Assist/C&hanges", "&Next Change", "Alt+Down", lambda w: w.candidates.in_review("next")),
    ActionSpec("Assist/C&hanges", "&Previous Change", "Alt+Up", lambda w: w.candidates.in_review("previous")),
    ActionSpec("Assist/C&hanges", "&Accept Change", "Alt+Return", lambda w: w.candidates.in_review("accept")),
    ActionSpec("Assist/C&hanges", "Re&ject Change", "Alt+Delete", lambda w: w.candidates.in_review("reject")),
    ActionSpec(
        "Assist/C&hanges", "Accept the Res&t", "Alt+End", lambda w: w.candidates.in_review("accept_rest")
    ),
    ActionSpec("Assist", "Re&generate", "Ctrl+Shift+G", lambda w: w.session.regenerate()),
    ActionSpec("Assist", "&Stop", "Esc", lambda w: w.stop(), toolbar="Stop", name="stop"),
    ActionSpec("Assist", "&Models…", "Ctrl+Shift+M", lambda w: w.open_model_manager()),
    ActionSpec("Assist", "Model So&urce…", None, lambda w: w.open_preferences().show_model_source()),
    *(
        ActionSpec("Assist", f"Accept Candidate {i + 1}", f"Alt+{i + 1}", _accept(i), separator=i == 0)
        for i in range(3)
    ),
    ActionSpec("Help", "&Command Palette…", "Ctrl+Shift+P", lambda w: open_palette(w)),
    ActionSpec("Help", "&Welcome", None, lambda w: show_welcome(w)),
    ActionSpec("Help", "&About Writer", "F1", lambda w: show_about(w)),
)
MENUS = ("&File", "&Edit", "&View", "&Assist", "&Help")


def build_actions(window: QMainWindow) -> dict[str, QAction | QMenu]:
    """Menus, toolbar and window shortcuts from ACTIONS; named actions and submenus by name."""
    menus: dict[str, QMenu] = {title.replace("&", ""): window.menuBar().addMenu(title) for title in MENUS}
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main-toolbar")
    found: dict[str, QAction | QMenu] = {}
    for spec in ACTIONS:
        top, _, sub = spec.menu.partition("/")
        menu = menus[top]
        if sub:
            key = f"{top}/{sub.replace('&', '')}"
            if key not in menus:
                menus[key] = menu.addMenu(sub)
                found[key] = menus[key]
            menu = menus[key]
        if spec.separator:
            menu.addSeparator()
        if spec.handler is None:
            found[spec.name] = menu.addMenu(spec.text)
            continue
        action = QAction(spec.text, window)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setStatusTip(spec.tip)
        if spec.checked is not None:
            action.setCheckable(True)
            action.setChecked(spec.checked(window))
        handler = spec.handler
        action.triggered.connect(lambda _checked=False, handler=handler: handler(window))
        menu.addAction(action)
        window.addAction(action)
        if spec.toolbar:
            toolbar.addAction(spec.toolbar, lambda handler=handler: handler(window))
        if spec.name:
            found[spec.name] = action
    return found
