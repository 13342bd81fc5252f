"""The account page."""

from learning.ui.screens.account import render

render()
