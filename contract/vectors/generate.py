#!/usr/bin/env python3
"""
Writes canonical-json.json: test vectors for docket's canonical JSON (RFC 8785, JSON
Canonicalization Scheme) and the definition hash (hex sha256 of the canonical form's UTF-8 bytes).

This is an independent implementation: it shares no code with dsl/hash.ts, so the TypeScript
tests (tests/unit/contract/canonical-json.test.ts) check that implementation against these
vectors instead of against its own output. Standard library only.

    python3 contract/vectors/generate.py          # rewrite the vectors next to this script
    python3 contract/vectors/generate.py --check  # exit 1 if the file on disk differs

RFC 8785 rules implemented here:
  - objects: members sorted by key, comparing keys as sequences of UTF-16 code units;
  - no whitespace between tokens;
  - strings: only '"', '\\' and U+0000..U+001F are escaped; \\b \\t \\n \\f \\r in short form,
    other control characters as \\u00xx (lower-case hex); everything else (U+007F, U+2028,
    non-ASCII) is written as is, encoded as UTF-8;
  - numbers: IEEE 754 doubles written as ECMAScript's Number.prototype.toString writes them
    (shortest round-trip digits; plain notation for 1e-7 < |x| < 1e21, exponent form with an
    explicit sign otherwise; -0 is written 0); NaN and Infinity are not JSON;
  - literals true, false, null.
"""
import hashlib
import json
import math
import os
import struct
import sys


def es_number(x):
    """ECMAScript Number::toString(x) for a finite double (ECMA-262 §6.1.6.1.20)."""
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and Infinity have no JSON form")
    if x == 0:
        return "0"  # also -0
    sign = "-" if x < 0 else ""
    # repr gives the shortest digit string that round-trips (as ECMAScript requires).
    mantissa, _, exp = repr(abs(x)).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # value = 0.<digits> * 10**n
    n = len(int_part.lstrip("0")) + (int(exp) if exp else 0)
    if not int_part.lstrip("0"):
        # 0.000ddd: leading zeros of the fraction move the point left
        n = -(len(frac_part) - len(frac_part.lstrip("0"))) + (int(exp) if exp else 0)
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        exp_text = ("+" if e >= 0 else "-") + str(abs(e))
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + exp_text
    return sign + out


SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def es_string(s):
    out = ['"']
    for ch in s:
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise ValueError("lone surrogate: not valid in RFC 8785 input")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def utf16_key(key):
    return key.encode("utf-16-be")


def canonical(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) > 2**53:
            raise ValueError("integers beyond 2**53 do not survive a double")
        return es_number(value)
    if isinstance(value, str):
        return es_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=utf16_key)
        return "{" + ",".join(es_string(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise TypeError("not a JSON value: %r" % (value,))


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text. Checked before anything
# is written, so the number formatter above is tested against the RFC itself.
RFC_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def double(bits):
    return struct.unpack(">d", bytes.fromhex(bits))[0]


def self_check():
    for bits, expected in RFC_NUMBERS:
        got = es_number(double(bits))
        assert got == expected, "%s: %s != %s" % (bits, got, expected)
    # RFC 8785 §3.2.3: the sorting example.
    rfc_sort = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001F600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    order = [k for k in sorted(rfc_sort, key=utf16_key)]
    assert order == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001F600", "\ufb33"], order
    # Python's own sort (by code point) differs from UTF-16 order here: the reason for utf16_key.
    assert sorted(["\ufb33", "\U0001F600"]) == ["\ufb33", "\U0001F600"]
    assert sorted(["\ufb33", "\U0001F600"], key=utf16_key) == ["\U0001F600", "\ufb33"]


SMALL_DEFINITION = {
    "process": "callback-request",
    "title": "Callback request",
    "description": "A customer asks to be called back; an agent calls within a day or the case escalates.",
    "roles": ["agent", "supervisor"],
    "input": {
        "type": "object",
        "required": ["customerId", "phone"],
        "additionalProperties": False,
        "properties": {
            "customerId": {"type": "string", "minLength": 1},
            "phone": {"type": "string", "pattern": "^\\+?[0-9 ]{6,20}$"},
            "note": {"type": "string", "description": "客户留言 (customer's note)"},
        },
    },
    "context": {"attempts": "0", "calledBy": '""'},
    "index": {"customer": "input.customerId", "owner": "context.calledBy"},
    "events": {
        "CALLED": {
            "by": ["agent", "supervisor"],
            "description": "The customer was reached.",
            "data": {"type": "object", "required": ["summary"], "properties": {"summary": {"type": "string", "minLength": 1}}},
        },
        "NO_ANSWER": {"by": ["agent", "supervisor"], "description": "Nobody answered; try again later."},
    },
    "initial": "waiting",
    "states": {
        "waiting": {
            "description": "Waits for an agent to call.",
            "on": {
                "CALLED": {"target": "done", "assign": {"calledBy": "event.actor.id"}},
                "NO_ANSWER": {
                    "target": "waiting",
                    "assign": {"attempts": "context.attempts + 1"},
                    "if": "context.attempts < 3",
                    "description": "at most three attempts",
                },
            },
            "after": [{"name": "callback deadline", "delay": "1d", "target": "escalated"}],
        },
        "escalated": {
            "invoke": {
                "activity": "notify",
                "with": {"to": '"supervisor"', "subject": '"Callback overdue for " + input.customerId'},
                "retry": {"maximumAttempts": 5, "initialInterval": "1s", "backoffCoefficient": 2},
                "onDone": "waiting_supervisor",
                "onError": "waiting_supervisor",
            }
        },
        "waiting_supervisor": {"on": {"CALLED": {"by": ["supervisor"], "target": "done"}}},
        "done": {"type": "final", "outcome": "called"},
    },
}


def vectors():
    v = []

    def add(name, value, note=None):
        entry = {"name": name, "value": value}
        if note:
            entry["note"] = note
        v.append(entry)

    # Key ordering
    add("keys sorted", {"b": 1, "a": 2, "c": 3})
    add("keys sorted at every level, arrays keep their order", {"z": [3, 1, {"y": 1, "x": 2}], "a": {"d": {"f": 1, "e": 2}, "c": None}})
    add("upper case sorts before lower case, shorter prefix first", {"a": 1, "B": 2, "aa": 3, "A": 4, "_": 5, "b": 6})
    add("unicode keys: BMP before astral when their UTF-16 units say so (euro, emoji)", {"\U0001F600": "emoji", "\u20ac": "euro"})
    add(
        "unicode keys: UTF-16 order differs from code point order (U+FB33 after U+1F600)",
        {"\ufb33": "dalet", "\U0001F600": "emoji", "\u00f6": "o umlaut", "z": "z"},
        "code point order would put U+FB33 before U+1F600; UTF-16 units 0xFB33 > 0xD83D put it after",
    )
    add(
        "RFC 8785 section 3.2.3 sorting example",
        {
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\U0001F600": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis",
        },
    )
    add(
        "integer-like keys sort as strings",
        {"10": "ten", "9": "nine", "a": "letter", "1": "one"},
        "UTF-16 order: \"1\" < \"10\" < \"9\" < \"a\" (a JavaScript object enumerates integer-like keys numerically first; canonical order does not)",
    )
    add("__proto__ is an ordinary key", {"b": 1, "__proto__": {"x": 1}, "a": 2})

    # Numbers
    add("integer 1", 1)
    add("1.5", 1.5)
    add("1.0 is written 1", 1.0)
    add("negative zero is written 0", -0.0)
    add("1e21 switches to exponent form", 1e21)
    add("1e20 stays plain", 1e20)
    add("0.1 + 0.2", 0.1 + 0.2)
    add("1e-7 switches to exponent form", 1e-7)
    add("1e-6 stays plain", 1e-6)
    add("2^53 - 1, the largest safe integer", 9007199254740991)
    add("largest double", double("7fefffffffffffff"))
    add("smallest subnormal", double("0000000000000001"))
    add("numbers in an array", [0, -1, 100, 123.456, -0.5, 1e23, 9.999999999999997e22, 333333333.3333333, 4.5e-10, 1424953923781206.2])

    # Strings
    add("quote and backslash are escaped", 'say "hi" \\ bye')
    add("control characters: short escapes and \\u00xx", "".join(chr(c) for c in range(0x20)))
    add("U+007F, U+2028 and U+2029 are not escaped", "del\u007f ls\u2028 ps\u2029")
    add("slash is not escaped", "a/b</script>")
    add("non-ASCII written as is", "caf\u00e9 \u6295\u8bc9 \U0001F600")
    add("empty string", "")

    # Literals and empties
    add("true, false, null", [True, False, None])
    add("empty object", {})
    add("empty array", [])
    add("empty containers nested", {"a": {}, "b": [], "c": [{}, []]})

    # Definition-like
    add(
        "nested definition-like object",
        {
            "states": {"review": {"on": {"APPROVE": [{"target": "done", "if": "event.data.amount < 1000", "by": ["lead"]}]}}, "done": {"type": "final", "outcome": "approved"}},
            "initial": "review",
            "roles": ["lead", "agent"],
            "title": "T",
            "process": "p",
        },
    )
    add("small process definition (realistic)", SMALL_DEFINITION)

    for entry in v:
        entry["canonical"] = canonical(entry["value"])
        entry["sha256"] = sha256_hex(entry["canonical"])
    return v


def render():
    body = json.dumps(vectors(), ensure_ascii=True, indent=2)
    return body + "\n"


def main():
    self_check()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "canonical-json.json")
    text = render()
    if "--check" in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print("%s is out of date; run python3 %s" % (path, os.path.relpath(__file__)), file=sys.stderr)
                sys.exit(1)
        print("%s is up to date" % path)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %d vectors to %s" % (len(json.loads(text)), path))


if __name__ == "__main__":
    main()
