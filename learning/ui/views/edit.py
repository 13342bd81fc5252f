"""The question editor (instructors)."""

from learning.ui.screens.editor import render

render()
