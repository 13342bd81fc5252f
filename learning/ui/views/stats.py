"""The item statistics page (instructors)."""

from learning.ui.screens.stats import render

render()
