"""Textual's Footer, redrawn once for a burst of binding changes.

Textual's Footer (textual 8.2.8, widgets/_footer.py, Footer.bindings_changed) schedules a whole
recompose of its keys after the next refresh for every change of the bindings it is told of.
At start-up it is told three times (the app's own labels, the first focus, the lesson list):
three recomposes of some twenty keys, each key restyled on its own, about 100 ms of CPU on a
2-core machine, all of it between the frame and the lesson's text. Here a change that comes
while a recompose is already waiting joins it: the recompose reads the bindings as they are
when it runs, so what it draws is the same.

It also fits its width: Textual docks the command palette's key on the right, over the last keys
when they do not fit (at 80 columns in Chinese the tabs key lost half its label). When the keys overflow, the
footer turns compact (no padding around each key); it widens again once the terminal has room for
the wide keys it measured.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _recompose_waiting = False
    _wide_needs = 0  # the columns the keys took when last drawn wide; 0 when not measured

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._recompose_waiting:
            self._recompose_waiting = True
            self.call_after_refresh(self._recompose_now)

    async def _recompose_now(self) -> None:
        self._recompose_waiting = False  # a change from now on schedules another
        await self.recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self, event: events.Resize) -> None:
        if self.compact and self._wide_needs and event.size.width >= self._wide_needs:
            self._wide_needs = 0
            self.compact = False
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Compact when the keys and the palette's key need more columns than the footer has."""
        if self.compact or not self.children:
            return
        needs = sum(child.outer_size.width for child in self.children)
        if needs > self.size.width:
            self._wide_needs = needs
            self.compact = True
