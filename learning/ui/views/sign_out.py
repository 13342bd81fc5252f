"""Signing out."""

from learning.ui.app import sign_out

sign_out()
