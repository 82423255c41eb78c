"""Google Takeout's YouTube CSV files in any language: which table a file is, and its columns.

Takeout translates folder, file and column names into the account's language (formats.md §8.4),
so tables are recognised by their header cells. The names below are English, Spanish (the WIF
sample), Dutch, Romanian and Lithuanian as recorded from real donated exports in
what-if-horizon/what-if-data-donation (YT_merged_column_names_annotated.csv @fe2cc91), plus the
English comment and live-chat columns used by google_takeout_parser @aebb2dc.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum

from accountaudit.sources.archive import ArchiveView
from accountaudit.sources.jswrap import READ_ERRORS
from accountaudit.sources.linkedin_csv import Row, norm_header

log = logging.getLogger(__name__)
_PEEK = 8192


class Table(StrEnum):
    """The YouTube tables a loader reads; anything else (playlists, settings) is ignored."""

    COMMENTS = "comments"
    LIVE_CHAT = "live_chat"
    VIDEOS = "videos"
    CHANNEL = "channel"
    CHANNEL_URLS = "channel_urls"
    SUBSCRIPTIONS = "subscriptions"


def _names(*names: str) -> frozenset[str]:
    return frozenset(n.casefold() for n in names)


_CHANNEL_ID = _names("Channel ID", "ID de canal", "ID-ul canalului", "Kanaal-ID", "Kanalo ID")
_VIDEO_ID = _names("Video ID", "ID de vídeo", "ID-ul videoclipului", "Vaizdo įrašo ID",
                   "Video-ID")

COLUMNS: Mapping[Table, Mapping[str, frozenset[str]]] = {
    Table.COMMENTS: {
        "id": _names("Comment ID", "ID de comentario", "ID-ul comentariului", "Komentaro ID",
                     "Reactie-ID"),
        "channel": _CHANNEL_ID,
        "created": _names("Comment Create Timestamp",
                          "Marca de tiempo de creación del comentario",
                          "Marcajul temporal de creare a comentariului",
                          "Komentaro sukūrimo laiko žymė", "Aanmaaktijdstempel reactie"),
        "parent": _names("Parent Comment ID", "ID de comentario principal"),
        "post": _names("Post ID"),
        "video": _VIDEO_ID,
        "text": _names("Comment Text", "Texto del comentario", "Textul comentariului",
                       "Komentuoti tekstą", "Reactietekst"),
        "top": _names("Top-Level Comment ID", "ID de comentario de nivel superior"),
    },
    Table.LIVE_CHAT: {
        "id": _names("Live Chat ID", "ID del mensaje del chat en directo"),
        "channel": _CHANNEL_ID,
        "created": _names("Live Chat Create Timestamp",
                          "Marca de tiempo de creación del mensaje del chat en directo"),
        "video": _VIDEO_ID,
        "text": _names("Live Chat Text", "Texto del mensaje del chat en directo"),
    },
    Table.VIDEOS: {
        "id": _VIDEO_ID,
        "title": _names("Video Title (Original)", "Título del vídeo (original)",
                        "Titlul videoclipului (original)", "Vaizdo įrašo pavadinimas (originalas)",
                        "Videotitel (origineel)"),
        "description": _names("Video Description (Original)", "Descripción del vídeo (original)",
                              "Descrierea videoclipului (original)",
                              "Vaizdo įrašo aprašas (originalas)", "Videobeschrijving (origineel)"),
        "privacy": _names("Privacy", "Privacidad", "Confidențialitate", "Privatumas"),
        "created": _names("Video Create Timestamp", "Marca de tiempo de creación del vídeo",
                          "Marcajul temporal de creare a videoclipului",
                          "Tijdstempel aanmaaktijd video", "Vaizdo įrašo sukūrimo laiko žymė"),
        "published": _names("Video Publish Timestamp", "Marca de tiempo de publicación del vídeo",
                            "Marcajul temporal de publicare a videoclipului",
                            "Tijdstempel publicatietijd video",
                            "Vaizdo įrašo paskelbimo laiko žymė"),
        "category": _names("Video Category", "Categoría del vídeo", "Categorie de videoclipuri",
                           "Vaizdo įrašo kategorija", "Videocategorie"),
        "state": _names("Video State", "Estado del vídeo", "Starea videoclipului",
                        "Vaizdo įrašo būsena", "Videostatus"),
    },
    Table.CHANNEL: {
        "id": _CHANNEL_ID,
        "title": _names("Channel Title (Original)", "Título del canal (original)",
                        "Titlul canalului (original)", "Kanalo pavadinimas (pradinis)",
                        "(Originele) kanaaltitel"),
        "description": _names("Channel Description (Original)"),
        "visibility": _names("Channel Visibility", "Visibilidad del canal",
                             "Vizibilitatea canalului", "Kanalo matomumas",
                             "Kanaalzichtbaarheid"),
        "country": _names("Channel Country", "País del canal"),
    },
    Table.CHANNEL_URLS: {
        "id": _CHANNEL_ID,
        "vanity": _names("Channel Vanity URL 1 Name", "Nombre de la URL mnemónica del canal (1)",
                         "Numele adresei URL personalizate a canalului 1",
                         "1 kanalo reklaminio URL pavadinimas",
                         "Naam van vanity-URL 1 voor kanaal"),
    },
    Table.SUBSCRIPTIONS: {
        "id": _names("Channel Id", "ID del canal", "ID-ul canalului", "Kanaal-ID", "Kanalo ID"),
        "url": _names("Channel Url", "URL del canal", "Adresa URL a canalului", "Kanaal-URL",
                      "Kanalo URL"),
        "title": _names("Channel Title", "Título del canal", "Titlul canalului", "Kanaaltitel",
                        "Kanalo pavadinimas"),
    },
}
# The columns that tell tables apart, checked in this order.
_DISTINCT = ((Table.COMMENTS, ("text", "created", "parent")),
             (Table.LIVE_CHAT, ("text", "created", "id")),
             (Table.VIDEOS, ("title", "published", "description")),
             (Table.CHANNEL, ("title", "visibility")),
             (Table.CHANNEL_URLS, ("vanity",)),
             (Table.SUBSCRIPTIONS, ("url",)))
SEGMENT_MARKERS = (b'{""text""', b'""takeoutSegments""', b"{'text'")


def classify(columns: list[str]) -> Table | None:
    """Which table a header line (normalised cells) belongs to, or None."""
    present = set(columns)
    for table, roles in _DISTINCT:
        if any(COLUMNS[table][role] & present for role in roles):
            return table
    return None


def cell(row: Row, table: Table, role: str) -> str:
    """The value of ``role`` in a row of ``table``, whatever the language; '' if absent."""
    for name in COLUMNS[table].get(role, ()):
        value = row.cells.get(name, "").strip()
        if value:
            return value
    return ""


def peek(view: ArchiveView, name: str) -> bytes | None:
    """The first bytes of a member, or None if it cannot be read."""
    try:
        with view.open(name) as fh:
            return fh.read(_PEEK)
    except READ_ERRORS as exc:
        log.debug("cannot read %s while detecting: %s", name, exc)
        return None


def header_of(head: bytes) -> list[str]:
    """The normalised cells of the first non-blank line."""
    text = head.decode("utf-8", errors="replace")
    for line in text.splitlines():
        if line.strip():
            return [norm_header(c) for c in line.split(",")]
    return []
