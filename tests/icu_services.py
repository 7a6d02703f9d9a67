"""Call the ICU services Qt uses, straight from a folder of ICU libraries; print JSON.

``python tests/icu_services.py FOLDER`` loads FOLDER's ``libicuuc``/``libicui18n`` (which
find ``libicudata`` beside them) with ctypes and records what Qt's calls give: sort keys
and orders (``ucol_*``, QCollator), locale case mapping (``u_strToUpper/Lower``),
conversions (``ucnv_*``) and time-zone ids and names (``ucal_*``, QTimeZone).
tests/test_packaging.py runs it on the bundle's trimmed ICU and on the unchanged one
PySide6 ships, each in a process of its own (both carry the same SONAMEs).
"""

from __future__ import annotations

import ctypes
import json
import re
import sys
from pathlib import Path
from typing import Any

NAMES = ["Łukasz Żak", "Lucyna Zieliński", "Łucja Lis", "Marek Źrebiec", "Zofia Ćwik",
         "김민준", "박서연", "이지훈", "최유나", "张伟", "王芳", "李娜", "刘洋",
         "佐藤", "鈴木", "Émile Ørsted", "Ahmet İnce", "Çağla Işık", "Nguyễn Văn An",
         "Ångström", "Zoë", "zoe"]
LOCALES = ["", "en", "pl", "ko", "zh", "ja", "tr", "vi", "sv", "de", "da"]
CASES = {"tr": "istanbul ıi", "lt": "i̇̀", "el": "άδικος", "en": "straße ǆ", "pl": "zażółć"}
CODECS = ["UTF-8", "UTF-16LE", "ISO-8859-1", "US-ASCII", "windows-1250", "Shift_JIS",
          "EUC-KR", "GB18030"]
ZONES = ["Europe/Warsaw", "Asia/Seoul", "Asia/Shanghai", "America/New_York",
         "Europe/Istanbul", "Asia/Kolkata", "US/Pacific"]
ZONE_LOCALES = ["en", "pl", "ko", "zh", "de"]


def _u(text: str) -> tuple[ctypes.Array[ctypes.c_char], int]:
    data = text.encode("utf-16-le")
    return ctypes.create_string_buffer(data, len(data) + 2), len(data) // 2


def run(folder: Path) -> dict[str, Any]:
    uc_path = next(folder.glob("libicuuc.so.*"))
    ver = re.sub(r"\D.*", "", uc_path.name.rsplit(".so.", 1)[1])
    uc = ctypes.CDLL(str(uc_path))
    i18n = ctypes.CDLL(str(next(folder.glob("libicui18n.so.*"))))

    def fn(lib: ctypes.CDLL, name: str, res: Any, *args: Any) -> Any:
        f = getattr(lib, f"{name}_{ver}")
        f.restype, f.argtypes = res, list(args)
        return f

    err_t = ctypes.POINTER(ctypes.c_int)
    vp, cp, i32 = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32
    ucol_open = fn(i18n, "ucol_open", vp, cp, err_t)
    ucol_key = fn(i18n, "ucol_getSortKey", i32, vp, vp, i32, vp, i32)
    ucol_close = fn(i18n, "ucol_close", None, vp)
    to_upper = fn(uc, "u_strToUpper", i32, vp, i32, vp, i32, cp, err_t)
    to_lower = fn(uc, "u_strToLower", i32, vp, i32, vp, i32, cp, err_t)
    ucnv_open = fn(uc, "ucnv_open", vp, cp, err_t)
    ucnv_from = fn(uc, "ucnv_fromUChars", i32, vp, vp, i32, vp, i32, err_t)
    ucnv_close = fn(uc, "ucnv_close", None, vp)
    ucal_open = fn(i18n, "ucal_open", vp, vp, i32, cp, ctypes.c_int, err_t)
    ucal_name = fn(i18n, "ucal_getTimeZoneDisplayName", i32, vp, ctypes.c_int, cp, vp, i32,
                   err_t)
    ucal_canon = fn(i18n, "ucal_getCanonicalTimeZoneID", i32, vp, i32, vp, i32,
                    ctypes.POINTER(ctypes.c_int8), err_t)
    ucal_close = fn(i18n, "ucal_close", None, vp)
    out: dict[str, Any] = {"collation": {}, "case": {}, "codecs": {}, "zones": {}}

    for loc in LOCALES:
        err = ctypes.c_int(0)
        coll = ucol_open(loc.encode(), ctypes.byref(err))
        keys = {}
        for name in NAMES:
            buf, n = _u(name)
            key = ctypes.create_string_buffer(1024)
            size = ucol_key(coll, buf, n, key, 1024)
            keys[name] = key.raw[:size].hex()
        ucol_close(coll)
        out["collation"][loc] = {"status": err.value, "keys": keys,
                                 "order": sorted(NAMES, key=keys.__getitem__)}
    for loc, text in CASES.items():
        buf, n = _u(text)
        res = {}
        for label, f in (("upper", to_upper), ("lower", to_lower)):
            dest = ctypes.create_string_buffer(256)
            err = ctypes.c_int(0)
            size = f(dest, 128, buf, n, loc.encode(), ctypes.byref(err))
            res[label] = [err.value, dest.raw[:2 * size].decode("utf-16-le")]
        out["case"][loc] = res
    sample = "Zażółć gęślą jaźń 김민준 张伟"
    for name in CODECS:
        err = ctypes.c_int(0)
        conv = ucnv_open(name.encode(), ctypes.byref(err))
        if not conv or err.value > 0:
            out["codecs"][name] = {"status": err.value}
            continue
        buf, n = _u(sample)
        dest = ctypes.create_string_buffer(256)
        size = ucnv_from(conv, dest, 256, buf, n, ctypes.byref(err))
        out["codecs"][name] = {"status": err.value, "bytes": dest.raw[:size].hex()}
        ucnv_close(conv)
    for zone in ZONES:
        zbuf, zn = _u(zone)
        canon = ctypes.create_string_buffer(128)
        system, err = ctypes.c_int8(0), ctypes.c_int(0)
        size = ucal_canon(zbuf, zn, canon, 64, ctypes.byref(system), ctypes.byref(err))
        names: dict[str, Any] = {"canonical": [err.value,
                                               canon.raw[:2 * size].decode("utf-16-le")]}
        for loc in ZONE_LOCALES:
            err = ctypes.c_int(0)
            cal = ucal_open(zbuf, zn, loc.encode(), 0, ctypes.byref(err))
            shown = []
            for kind in range(4):  # standard, short standard, daylight, short daylight
                dest = ctypes.create_string_buffer(256)
                size = ucal_name(cal, kind, loc.encode(), dest, 128, ctypes.byref(err))
                shown.append(dest.raw[:2 * size].decode("utf-16-le"))
            names[loc] = [err.value, shown]
            ucal_close(cal)
        out["zones"][zone] = names
    return out


if __name__ == "__main__":
    json.dump(run(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1)
