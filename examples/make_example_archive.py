"""Build examples/officer-x-archive.zip: an invented officer's X archive in the current layout.

"PC Sam Example" (@pc_sam_example) does not exist. Most posts are ordinary, and a handful are
the kind a professional-standards reviewer should see. The build is deterministic (fixed zip
timestamps, sorted members), so re-running it reproduces the same members byte for byte.

    python examples/make_example_archive.py [output.zip]
"""

from __future__ import annotations

import json
import logging
import struct
import sys
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("make_example_archive")

HANDLE = "pc_sam_example"
ACCOUNT_ID = "1354000000000004321"
DISPLAY_NAME = "PC Sam Example"
ZIP_TIME = (2025, 6, 30, 12, 0, 0)
_EPOCH_MS = 1288834974657
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Other invented accounts: handle -> id. Mentions reveal these, so connections get handles.
PEOPLE = {
    "exampleshire_pol": "2100000001", "exampleton_cafe": "2100000002",
    "exampleton_news": "2100000003", "exampleshire_fire": "2100000004",
    "ex_parkrun": "2100000005", "jo_resident": "2100000006", "pc_alex_sample": "2100000007",
    "exampleton_fc": "2100000008",
}

# (UTC time, text as exported (HTML-escaped, t.co links), options)
# options: reply=(handle, status id or ""), links=[(t.co, expanded)], photo=media key, rt=True
TWEETS: list[tuple[str, str, dict[str, Any]]] = [
    ("2021-02-03 08:15", "First day on response at Exampleton. Looking forward to meeting "
     "the community 👮", {}),
    ("2021-02-20 17:40", "Non-emergency? Call 101 or report online. Emergencies always 999.",
     {}),
    ("2021-03-14 21:05", "Bins out tomorrow, not a police matter but a reminder all the same 😄",
     {}),
    ("2021-04-02 07:30", "@jo_resident Thanks for reporting it, an officer will be in touch "
     "today.", {"reply": ("jo_resident", "1377800000000000001")}),
    ("2021-05-11 19:20", "Fish &amp; chips with the team after a long night shift", {}),
    ("2021-06-18 12:00", "Nights are drawing in: lock your shed, mark your bikes and register "
     "them https://t.co/BiKeReG001 Thieves love an unlocked garage.",
     {"links": [("https://t.co/BiKeReG001", "https://www.bikeregister.com/")]}),
    ("2021-07-04 09:45", "Smashed my PB at parkrun this morning 🏃 @ex_parkrun", {}),
    ("2021-08-22 23:10", "Just arrested a bloke who nicked his own nan's pension. What a "
     "scumbag.", {}),
    ("2021-09-09 16:00", "RT @exampleshire_pol: We're recruiting special constables. Find "
     "out more https://t.co/SpEcIaL001",
     {"rt": True, "links": [("https://t.co/SpEcIaL001", "https://example.org/specials")]}),
    ("2021-10-31 18:30", "Trick or treating tonight? Stick to houses with a pumpkin out and "
     "keep little ones in sight 🎃", {}),
    ("2021-11-05 20:15", "Fireworks: please keep pets indoors and never go back to a lit "
     "firework.", {}),
    ("2021-12-24 22:00", "On shift over Christmas. Have a safe one everyone 🎄", {}),
    ("2022-01-15 10:10", "Found a wallet on the high street. Belongs to Dave Smith, tried "
     "ringing him on 07911 123456 but no answer, if you know him tell him to call.", {}),
    ("2022-02-08 14:25", "@exampleton_cafe Best bacon roll in Exampleton, thanks for looking "
     "after us", {"reply": ("exampleton_cafe", "1490000000000000002")}),
    ("2022-03-19 15:00", "PC 4321 with Exampleshire Police, off to the match with the lads "
     "#copsoffduty", {}),
    ("2022-04-27 08:05", "Absolute muppet of a driver on the A999 today, undertaking at 90 "
     "with a baby in the back.", {}),
    ("2022-05-30 13:30", "Drop-in surgery for residents in EX1 this Thursday at the community "
     "centre, 6-8pm.", {}),
    ("2022-06-21 11:45", "Great to see the new cycle lane open https://t.co/CyClE00001",
     {"links": [("https://t.co/CyClE00001", "https://example.org/cycle-lane")]}),
    ("2022-07-19 16:50", "Hot one today. Never leave dogs in cars, it takes minutes.", {}),
    ("2022-08-13 21:40", "Attended a noisy party again at 14 Acacia Avenue, EX4 7QT. Third "
     "time this month, neighbours are fed up.", {}),
    ("2022-09-03 10:00", "New bikes for the neighbourhood team https://t.co/PhOtO00001",
     {"photo": "FbEx4mpleAAA1"}),
    ("2022-10-12 09:20", "@exampleton_news The road is open again &amp; traffic is moving.",
     {"reply": ("exampleton_news", "1580000000000000003")}),
    ("2022-11-26 18:00", "Shoplifting is up this season. Shops: keep high-value items behind "
     "the counter. Shoppers: keep bags zipped.", {}),
    ("2023-01-07 07:55", "Anyone know the owner of a silver Astra AB12 CDE? Parked across my "
     "drive again.", {}),
    ("2023-02-14 12:10", "Scam alert: your bank will never ask you to move money to a 'safe "
     "account'. Hang up and call 159.", {}),
    ("2023-03-22 19:30", "=SUM(A1:A9) is all my overtime adds up to", {}),
    ("2023-04-30 14:00", "@pc_alex_sample Cheers for the cover last night mate",
     {"reply": ("pc_alex_sample", "")}),
    ("2023-06-10 10:30", "Open day at Exampleton station on Saturday: meet the dogs, sit in "
     "a car, ask us anything 🚔", {}),
    ("2023-07-28 22:45", "Long night. 3 arrests, 2 missing people found safe, 1 very sorry "
     "for himself drunk.", {}),
    ("2023-09-16 08:40", "Back to school: please park considerately outside the gates.", {}),
    ("2023-11-11 11:00", "We will remember them.", {}),
    ("2024-01-20 09:15", "Snow and ice this morning. Slow down, leave more room. "
     "https://t.co/WiNtEr0001",
     {"links": [("https://t.co/WiNtEr0001", "https://example.org/winter-driving")]}),
    ("2024-03-08 17:20", "@exampleshire_fire Thanks for the help at the RTC today",
     {"reply": ("exampleshire_fire", "1766000000000000004")}),
    ("2024-05-04 15:10", "Great win for @exampleton_fc today, what a goal", {}),
    ("2024-07-12 13:00", "Heading to Exampleton carnival? Agree a meeting point with the kids "
     "in case you get separated.", {}),
    ("2024-09-27 20:30", "Quiet shift for once. Enjoying a brew.", {}),
    ("2024-12-02 10:45", "Courier fraud is back: police will never collect cash or cards "
     "from your door.", {}),
    ("2025-02-18 08:00", "10 years in the job this week. Still love it 💙", {}),
    ("2025-04-05 12:30", "@jo_resident Glad it's sorted, take care",
     {"reply": ("jo_resident", "1908000000000000005")}),
    ("2025-05-23 18:15", "Summer's coming: lock windows and doors even when you're in the "
     "garden.", {}),
]

LIKES = [
    ("2021-06-01 10:00", "Free bike marking at the library on Saturday, bring ID"),
    ("2022-02-11 09:30", "Lock them all up and throw away the key, scum the lot of them"),
    ("2023-05-20 14:00", "Exampleton in bloom this year, well done volunteers"),
    ("2024-02-02 08:10", "Gritters are out tonight, take care on the roads"),
    ("2025-01-15 19:45", "Great turnout at the community meeting, thank you all"),
]
FOLLOWERS = ["2100000002", "2100000003", "2100000006", "2100000007", "2100000099",
             "2100000098"]
FOLLOWING = ["2100000001", "2100000002", "2100000003", "2100000004", "2100000005",
             "2100000007", "2100000008", "2100000097"]


def snowflake(when: datetime, seq: int = 0) -> str:
    """A tweet id that encodes its own time, as X's ids do."""
    return str(((int(when.timestamp() * 1000) - _EPOCH_MS) << 22) + seq)


def x_time(when: datetime) -> str:
    """X's ``Fri Mar 06 13:02:05 +0000 2026`` format, independent of the locale."""
    return (f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:02d} "
            f"{when:%H:%M:%S} +0000 {when.year}")


def parse(stamp: str) -> datetime:
    """``2021-02-03 08:15`` as UTC."""
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def tweet(stamp: str, text: str, opts: dict[str, Any], seq: int) -> dict[str, Any]:
    """One tweet object shaped like a 2025 export (every number a string)."""
    when = parse(stamp)
    tid = snowflake(when, seq)
    links = list(opts.get("links", []))
    mentions = [h for h in PEOPLE if f"@{h}" in text]
    body: dict[str, Any] = {
        "edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": _iso(when, 3600),
                                  "editsRemaining": "5", "isEditEligible": True}},
        "retweeted": False,
        "source": '<a href="http://twitter.com/download/android" rel="nofollow">'
                  "Twitter for Android</a>",
        "entities": {
            "hashtags": [{"text": w[1:], "indices": _span(text, w)} for w in text.split()
                         if w.startswith("#")],
            "symbols": [],
            "user_mentions": [{"name": h.replace("_", " ").title(), "screen_name": h,
                               "indices": _span(text, "@" + h), "id_str": PEOPLE[h],
                               "id": PEOPLE[h]} for h in mentions],
            "urls": [{"url": s, "expanded_url": e, "display_url": e.split("//", 1)[1][:26],
                      "indices": _span(text, s)} for s, e in links],
        },
        "display_text_range": ["0", str(len(text))],
        "favorite_count": str(seq % 7), "id_str": tid, "truncated": False,
        "retweet_count": str(seq % 3), "id": tid, "created_at": x_time(when),
        "favorited": False, "full_text": text, "lang": "en",
    }
    if "reply" in opts:
        handle, status = opts["reply"]
        body["in_reply_to_screen_name"] = handle
        body["in_reply_to_user_id"] = body["in_reply_to_user_id_str"] = PEOPLE[handle]
        if status:
            body["in_reply_to_status_id"] = body["in_reply_to_status_id_str"] = status
    if "photo" in opts:
        body["extended_entities"] = {"media": [_photo(tid, opts["photo"], text)]}
        body["entities"]["media"] = body["extended_entities"]["media"]
    return body


def _span(text: str, part: str) -> list[str]:
    start = text.find(part)
    return [str(start), str(start + len(part))]


def _iso(when: datetime, plus_seconds: int = 0) -> str:
    stamp = datetime.fromtimestamp(when.timestamp() + plus_seconds, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _photo(tid: str, key: str, text: str) -> dict[str, Any]:
    short = text.rsplit(" ", 1)[1]
    return {"expanded_url": f"https://x.com/{HANDLE}/status/{tid}/photo/1",
            "indices": _span(text, short), "url": short,
            "media_url": f"http://pbs.twimg.com/media/{key}.png", "id_str": tid[:-1] + "9",
            "id": tid[:-1] + "9", "media_url_https": f"https://pbs.twimg.com/media/{key}.png",
            "sizes": {"small": {"w": "1", "h": "1", "resize": "fit"}}, "type": "photo",
            "display_url": "pic.x.com/ex4mple"}


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG, so the example ships a media file next to its tweet."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80", 9)) + chunk(b"IEND", b""))


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, separators=(",", " : "), ensure_ascii=False)


def _wrapped(global_name: str, key: str, entries: list[dict[str, Any]]) -> bytes:
    return (f"window.YTD.{global_name} = "
            + _dumps([{key: e} for e in entries])).encode("utf-8")


def _messages() -> list[dict[str, Any]]:
    def msg(mid: str, sender: str, recipient: str, text: str, stamp: str) -> dict[str, Any]:
        return {"messageCreate": {"recipientId": recipient, "reactions": [], "urls": [],
                                  "text": text, "mediaUrls": [], "senderId": sender,
                                  "id": mid, "createdAt": _iso(parse(stamp))}}
    public, colleague = PEOPLE["jo_resident"], PEOPLE["pc_alex_sample"]
    return [
        {"conversationId": f"{public}-{ACCOUNT_ID}", "messages": [
            msg("1518000000000000002", public, ACCOUNT_ID,
                "Er, I'd rather keep it professional thanks", "2022-04-22 09:30"),
            msg("1518000000000000001", ACCOUNT_ID, public,
                "Hi Jo, it was me who took your statement on Tuesday. Fancy a drink some "
                "time? 😉", "2022-04-21 23:50"),
        ]},
        {"conversationId": f"{colleague}-{ACCOUNT_ID}", "messages": [
            msg("1700000000000000001", ACCOUNT_ID, colleague,
                "Can you swap my Saturday earlies?", "2023-09-01 12:00"),
        ]},
    ]


def members() -> dict[str, bytes]:
    """Every member of the archive, by name."""
    tweets = [tweet(s, t, o, i) for i, (s, t, o) in enumerate(TWEETS)]
    half = len(tweets) // 2
    files: dict[str, bytes] = {
        "data/tweets-part1.js": _wrapped("tweets.part1", "tweet", tweets[:half]),
        "data/tweets-part2.js": _wrapped("tweets.part2", "tweet", tweets[half:]),
        "data/account.js": _wrapped("account.part0", "account", [{
            "email": "sam.example@example.invalid", "createdVia": "android",
            "username": HANDLE, "accountId": ACCOUNT_ID,
            "createdAt": "2021-01-26T09:12:00.000Z", "accountDisplayName": DISPLAY_NAME}]),
        "data/profile.js": _wrapped("profile.part0", "profile", [{
            "description": {"bio": "Response officer, Exampleshire Police, collar 4321. Views "
                                   "my own. Not monitored 24/7 - call 101, or 999 in an "
                                   "emergency.",
                            "website": "https://t.co/Pr0fIlE001",
                            "location": "Exampleton, Exampleshire"},
            "avatarMediaUrl": "https://pbs.twimg.com/profile_images/1/pc_sam_example.jpg"}]),
        "data/like.js": _wrapped("like.part0", "like", [
            {"tweetId": (tid := snowflake(parse(s), 7)), "fullText": text,
             "expandedUrl": f"https://twitter.com/i/web/status/{tid}"} for s, text in LIKES]),
        "data/follower.js": _wrapped("follower.part0", "follower", [
            {"accountId": a, "userLink": f"https://twitter.com/intent/user?user_id={a}"}
            for a in FOLLOWERS]),
        "data/following.js": _wrapped("following.part0", "following", [
            {"accountId": a, "userLink": f"https://twitter.com/intent/user?user_id={a}"}
            for a in FOLLOWING]),
        "data/direct-messages.js": _wrapped("direct_messages.part0", "dmConversation",
                                            _messages()),
    }
    photo = next(t for t in tweets if "extended_entities" in t)
    key = photo["extended_entities"]["media"][0]["media_url_https"].rsplit("/", 1)[1]
    files[f"data/tweets_media/{photo['id_str']}-{key}"] = tiny_png()
    files["data/manifest.js"] = _manifest(files, len(tweets) - half, half)
    return dict(sorted(files.items()))


def _manifest(files: dict[str, bytes], second: int, first: int) -> bytes:
    def entry(name: str, count: int) -> dict[str, Any]:
        part = name.rsplit("/", 1)[1][:-3]
        stem, _, number = part.partition("-part")
        glob = f"YTD.{stem.replace('-', '_')}.part{number or '0'}"
        return {"fileName": name, "globalName": glob, "count": str(count)}
    types = {
        "account": {"files": [entry("data/account.js", 1)]},
        "directMessages": {"mediaDirectory": "data/direct_messages_media",
                           "files": [entry("data/direct-messages.js", 2)]},
        "follower": {"files": [entry("data/follower.js", len(FOLLOWERS))]},
        "following": {"files": [entry("data/following.js", len(FOLLOWING))]},
        "like": {"files": [entry("data/like.js", len(LIKES))]},
        "profile": {"mediaDirectory": "data/profile_media",
                    "files": [entry("data/profile.js", 1)]},
        "tweets": {"mediaDirectory": "data/tweets_media",
                   "files": [entry("data/tweets-part1.js", first),
                             entry("data/tweets-part2.js", second)]},
    }
    size = sum(len(v) for v in files.values())
    config = {"userInfo": {"accountId": ACCOUNT_ID, "userName": HANDLE,
                           "displayName": DISPLAY_NAME},
              "archiveInfo": {"sizeBytes": str(size), "generationDate": "2025-06-30T12:00:00.000Z",
                              "isPartialArchive": False, "maxPartSizeBytes": "53687091200"},
              "dataTypes": types}
    return ("window.__THAR_CONFIG = " + _dumps(config)).encode("utf-8")


def build(target: Path) -> Path:
    """Write the zip: fixed timestamps and attributes, members in name order.

    Members are stored, not deflated: compressed bytes differ between zlib builds, and the
    zip must come out byte for byte the same on every machine.
    """
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members().items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data)
    return target


def main(argv: list[str]) -> int:
    """Build to the path given, or next to this script."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    target = Path(argv[0]) if argv else Path(__file__).with_name("officer-x-archive.zip")
    build(target)
    log.info("wrote %s (%d tweets, %d likes)", target, len(TWEETS), len(LIKES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
