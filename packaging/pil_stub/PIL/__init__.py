"""A stand-in for Pillow inside the one-folder bundle (see packaging/README.md).

reportlab imports ``PIL.Image`` as it loads, but the app's PDFs hold only text and
vector drawings, so the bundle leaves out Pillow and its image codecs (about 7 MB).
Anything that tries to open an image fails loudly instead of drawing nothing.
"""
