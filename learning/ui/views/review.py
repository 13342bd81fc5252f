"""The review page."""

from learning.ui.screens.review import render

render()
