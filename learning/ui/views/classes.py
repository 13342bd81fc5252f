"""The classes page (instructors)."""

from learning.ui.screens.instructor import classes

classes()
