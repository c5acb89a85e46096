"""Tests for backspasm-kg."""
