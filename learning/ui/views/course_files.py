"""The course files page (instructors)."""

from learning.ui.screens.instructor import problems

problems()
