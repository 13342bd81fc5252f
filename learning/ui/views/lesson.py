"""The lesson page."""

from learning.ui.screens.lesson import render

render()
