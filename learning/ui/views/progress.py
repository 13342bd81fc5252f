"""The progress page."""

from learning.ui.screens.progress import render

render()
