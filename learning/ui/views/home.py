"""The home page."""

from learning.ui.screens.home import render

render()
