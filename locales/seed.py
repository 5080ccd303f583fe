"""Seed empty catalog entries for review: zh_Hant from zh_Hans through OpenCC s2twp (with the
corrections reviewers already made to its Taiwan vocabulary), en from the English msgid.

    .venv/bin/python locales/seed.py        # then read the zh_Hant diff before committing

zh_Hans is written by hand; nothing here invents a Simplified translation.
"""

from __future__ import annotations

from pathlib import Path

import opencc
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent
# s2twp misfires seen in this catalog, each checked by a reader of Traditional Chinese.
REVIEWED = {
    "賬戶": "帳戶",
    "工作型別": "工作類型",
    "程式碼": "代碼",
    "指令碼": "腳本",
    "釋出": "發布",
    "社群": "社區",
    "迴圈": "循環",
    "點贊": "點讚",
    "“": "「",
    "”": "」",
    "退出登入": "登出",
    "通過": "透過",
    "發送": "傳送",
    "賬號": "帳號",
    "占比": "佔比",
    "沒有響應": "沒有回應",
}


def to_hant(text: str, converter: opencc.OpenCC) -> str:
    converted = converter.convert(text)
    for wrong, right in REVIEWED.items():
        converted = converted.replace(wrong, right)
    return converted


def catalog(locale: str):
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def save(locale: str, messages) -> None:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, messages, width=0, no_location=True)


def main() -> None:
    converter = opencc.OpenCC("s2twp")
    hans = {
        m.id: m.string
        for m in catalog("zh_Hans")
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
    }

    def hant(message):  # plural entries are tuples; Chinese has one form
        found = hans.get(message.id)
        if isinstance(found, tuple):
            return tuple(to_hant(form, converter) for form in found)
        return to_hant(found, converter) if found else ""

    for locale, fill in (("zh_Hant", hant), ("en", lambda m: m.id)):
        messages, seeded = catalog(locale), 0
        for message in messages:
            empty = not all(message.string) if isinstance(message.string, tuple) else not message.string
            if message.id and empty:
                message.string = fill(message)
                seeded += bool(message.string if not isinstance(message.string, tuple) else all(message.string))
        save(locale, messages)
        print(f"{locale}: seeded {seeded}")


if __name__ == "__main__":
    main()
