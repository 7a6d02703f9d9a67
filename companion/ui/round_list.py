"""The start screen's list of rounds: a model that reads a page as rows scroll into view.

Qt asks ``canFetchMore``/``fetchMore`` when the view nears its last row, so the list
holds what has been seen, never the whole history: 100,000 stored rounds cost the
first page's 200 rows at start-up (bench/startup.py measures it). Rows come from
``Store.search_rounds`` (keyset pages, newest first); the view only shows them and
says which round is chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QRect
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from companion.ui.item_views import rect_if_shown

if TYPE_CHECKING:  # the store loads after the first frame
    from companion.store.search import RoundFilter, RoundRow, RoundSource

Index = QModelIndex | QPersistentModelIndex
# Qt's enums are reached as ``QtCore.Qt`` inside methods that run after the first frame:
# the first use builds PySide6's whole Qt namespace (tests/test_startup_path.py).
DISPLAY, TOOLTIP, USER = 0, 3, 256  # Qt.ItemDataRole values
HORIZONTAL = 1  # Qt.Orientation.Horizontal's value
HEADERS = ("Candidate", "Round", "Interviewer", "Submitted")
TEAM = "Team"
IN_PROGRESS = "in progress"
FIT_ROWS = 40


def when(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


class RoundListModel(QAbstractTableModel):
    """Rounds matching one ``RoundFilter``, newest first, fetched a page at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: RoundSource | None = None
        self._filter: RoundFilter | None = None  # set with the store (after the first frame)
        self._rows: list[RoundRow] = []
        self._more = False
        # With a team store: each round's publish state (a word, and the whole story).
        self._states: dict[str, tuple[str, str]] | None = None

    # -- what to show ------------------------------------------------------------------------
    def set_source(self, source: RoundSource) -> None:
        """Read from ``source`` (the first page's reader, then the store) from the next
        ``set_filter`` or ``reload`` on."""
        self._store = source

    @property
    def filter(self) -> RoundFilter | None:
        return self._filter

    def set_filter(self, f: RoundFilter) -> None:
        self._filter = f
        self.reload()

    def set_states(self, states: dict[str, tuple[str, str]] | None) -> None:
        """Show (or with None, hide) the team column."""
        if (states is None) != (self._states is None):
            self.beginResetModel()
            self._states = states
            self.endResetModel()
            return
        self._states = states
        if self._rows and states is not None and self._store is not None:
            col = len(HEADERS)
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    def reload(self) -> None:
        """Read the first page again (after a write, or a new filter)."""
        from companion.store.search import PAGE, RoundFilter

        self.beginResetModel()
        if self._store is not None:
            self._filter = self._filter or RoundFilter(submitted=True)
            self._rows = self._store.search_rounds(self._filter)
        self._more = len(self._rows) == PAGE
        self.endResetModel()

    def row(self, n: int) -> RoundRow | None:
        return self._rows[n] if 0 <= n < len(self._rows) else None

    # -- Qt's side ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._store is None:
            return 0  # no header to paint in the first frame
        return len(HEADERS) + (self._states is not None)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more and self._store is not None

    def fetchMore(self, parent: Index) -> None:
        from companion.store.search import PAGE

        if not self.canFetchMore(parent) or self._store is None or self._filter is None:
            return
        page = self._store.search_rounds(self._filter, self._rows[-1])
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation,
                   role: int = DISPLAY) -> object:
        if orientation.value != HORIZONTAL or role != DISPLAY:
            return None
        return (*HEADERS, TEAM)[section] if section <= len(HEADERS) else None

    def data(self, index: Index, role: int = DISPLAY) -> object:
        r = self.row(index.row()) if index.isValid() else None
        if r is None:
            return None
        col = index.column()
        if role == USER:
            return r.id
        if role == DISPLAY:
            return self._text(r, col)
        if role == TOOLTIP:
            if col == len(HEADERS):
                return self._team(r)[1]
            return r.round_title if col == 1 else None
        return None

    def _text(self, r: RoundRow, col: int) -> str:
        if col == len(HEADERS):
            return self._team(r)[0]
        return (r.candidate, r.round_title, r.interviewer,
                when(r.submitted_at) if r.submitted_at else IN_PROGRESS)[col]

    def _team(self, r: RoundRow) -> tuple[str, str]:
        # "-": an imported round, not this laptop's to publish.
        return (self._states or {}).get(r.id, ("-", "Imported: not published from here"))


class RoundListView(QTreeView):
    """A flat, sortable-by-date list over a ``RoundListModel`` (the model does the work)."""

    def __init__(self, model: RoundListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)  # no per-row size pass over thousands of rows
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.header().setStretchLastSection(True)
        # Column widths from the first rows only, not every row fetched so far: a page of
        # 200 measured row by row is most of the list's cost at start-up (bench/ready.py).
        self.header().setResizeContentsPrecision(FIT_ROWS)
        self.on_current: Callable[[RoundRow | None], None] = lambda _row: None
        model.modelReset.connect(self._select_first)
        self.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.on_current(self.rounds.row(current.row())))

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        return rect_if_shown(self, super().visualRect(index))  # see item_views

    @property
    def rounds(self) -> RoundListModel:
        model = self.model()
        assert isinstance(model, RoundListModel)
        return model

    def _select_first(self) -> None:
        if self.rounds.rowCount():
            self.setCurrentIndex(self.rounds.index(0, 0))
        else:
            self.on_current(None)

    def current_round(self) -> RoundRow | None:
        index = self.currentIndex()
        return self.rounds.row(index.row()) if index.isValid() else None

    def select_row(self, n: int) -> None:
        self.setCurrentIndex(self.rounds.index(n, 0))

    def cell(self, n: int, col: int, role: int = DISPLAY) -> object:
        return self.rounds.data(self.rounds.index(n, col), role)

    def fit_columns(self, team: bool) -> None:
        """Columns to their contents; with the team column, the title gives way (elided)."""
        head = self.header()
        for col in range(self.rounds.columnCount() - 1):
            self.resizeColumnToContents(col)
        if team:
            for col in range(self.rounds.columnCount()):
                head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
            head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            head.setStretchLastSection(False)
