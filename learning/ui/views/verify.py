"""The public certificate verification page."""

from learning.ui.screens.verify import render

render()
