"""The question bank page (instructors)."""

from learning.ui.screens.bank import render

render()
