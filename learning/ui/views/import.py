"""Importing questions from GIFT, Moodle XML or CSV (instructors)."""

from learning.ui.screens.importing import render

render()
