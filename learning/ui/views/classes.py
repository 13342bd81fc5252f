"""The classes page (instructors)."""

from learning.ui.screens.classes import render

render()
