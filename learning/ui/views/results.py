"""The results page."""

from learning.ui.screens.results import render

render()
