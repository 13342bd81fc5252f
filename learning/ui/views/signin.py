"""The signin page."""

from learning.ui.screens.signin import render

render()
