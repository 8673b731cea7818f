"""The desk (Textual). Only this package imports Textual; it never writes SQL."""
