"""The quiz builder (instructors)."""

from learning.ui.screens.quizzes import render

render()
