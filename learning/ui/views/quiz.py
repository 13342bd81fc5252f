"""The quiz page."""

from learning.ui.screens.quiz import render

render()
