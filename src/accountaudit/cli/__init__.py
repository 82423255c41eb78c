"""The command line: the reference path through the product (the GUI adds views on top)."""
