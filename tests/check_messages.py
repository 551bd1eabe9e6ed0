#!/usr/bin/env python3
"""check_messages.py - every user-facing server message has a Chinese
translation that formats safely.

Finds, in src/, each literal format passed to rd_error_set / rd_reply_error
(the fourth argument, adjacent literals joined) and each literal marked
RD_MSG("...") (problem titles, messages kept in tables), and checks against
the catalog src/util/messages/zh-CN.json that:

  - the message has a translation (a format without one shows in English);
  - the translation's conversions match the format's in type and order
    (rd_error_set formats both with the same arguments);
  - the format is a literal at all (a computed format, or a bare "%s" that
    passes text through, cannot be translated: use RD_MSG + rd_error_text).

Also lists catalog entries no code uses any more (a warning, not a failure).
Prints one line per problem and "RESULT messages passed=N failed=M".
With --missing, prints the lines to paste into the catalog instead, with
the English as a placeholder translation to replace.
"""
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import embed_messages  # noqa: E402  (the generator's own checks)

CATALOG = os.path.join(ROOT, "src", "util", "messages", "zh-CN.json")
CALLS = {"rd_error_set": 3, "rd_reply_error": 3}  # index of the format argument
MARKER = "RD_MSG"
TOKEN = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|'
                   r'[A-Za-z_]\w*|\d[\w.]*|->|\S', re.S)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'",
           "?": "?", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def c_unescape(lit):
    body = lit[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        if n in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
        elif n == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF)
            i += 2 + len(m.group(0))
        else:
            out += ESCAPES[n].encode()
            i += 2
    return out.decode("utf-8")


def tokens(src):
    for m in TOKEN.finditer(src):
        t = m.group(0)
        if t.startswith("/*") or t.startswith("//"):
            continue
        yield t, m.start()


def call_args(toks, k):
    """The arguments of the call whose "(" is toks[k], as token lists."""
    depth, args = 0, [[]]
    for j in range(k, len(toks)):
        t = toks[j][0]
        if t in "([{":
            depth += 1
            if depth == 1:
                continue
        elif t in ")]}":
            depth -= 1
            if depth == 0:
                return args
        if t == "," and depth == 1:
            args.append([])
        else:
            args[-1].append(t)
    return args


def messages(root=os.path.join(ROOT, "src")):
    """(file:line, text or None, source of the argument) for every message."""
    found = []
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                src = f.read()
            toks = list(tokens(src))
            for k, (t, pos) in enumerate(toks):
                if k + 1 >= len(toks) or toks[k + 1][0] != "(":
                    continue
                if t in CALLS:
                    args = call_args(toks, k + 1)
                    if len(args) <= CALLS[t] or any(a in ("struct", "const") for a in args[0]):
                        continue  # the declaration or the definition
                    arg = args[CALLS[t]]
                elif t == MARKER:
                    if name == "message.h":
                        continue  # its #define
                    arg = call_args(toks, k + 1)[0]
                else:
                    continue
                where = f"{os.path.relpath(path, ROOT)}:{src.count(chr(10), 0, pos) + 1}"
                if arg and all(a.startswith('"') for a in arg):
                    text = "".join(c_unescape(a) for a in arg)
                    found.append((where, text if text != "%s" else None, " ".join(arg)))
                else:
                    found.append((where, None, " ".join(arg)))
    return found


def main(argv):
    catalog = embed_messages.load(CATALOG)
    found = messages()
    passed = failed = 0
    missing = {}
    for where, text, arg in found:
        if text is None:
            print(f"FAIL {where}: the format {arg} is not a literal message; "
                  f"write the message as a literal (or RD_MSG + rd_error_text)")
            failed += 1
        elif text not in catalog:
            missing.setdefault(text, where)
        else:
            why = embed_messages.problems(text, catalog[text])
            if why:
                print(f"FAIL {where}: {text!r}: {'; '.join(why)}")
                failed += 1
            else:
                passed += 1
    for text, where in missing.items():
        print(f"FAIL {where}: no Chinese for {text!r} (add a line to "
              f"{os.path.relpath(CATALOG, ROOT)})")
        failed += 1
    used = {t for _, t, _ in found if t}
    for en in sorted(set(catalog) - used):
        print(f"warning: the catalog's {en!r} is used nowhere in src/")
    if "--missing" in argv:
        for text in sorted(missing):
            print(f"  {json.dumps(text, ensure_ascii=False)}: {json.dumps(text, ensure_ascii=False)},")
    print(f"RESULT messages passed={passed} failed={failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
