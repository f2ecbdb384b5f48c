"""Numbers and dates in news prose, normalised so equal facts compare equal.

"eight percent" = "8%" = "8 per cent"; "US$550 billion" = "$550 billion"; "metric tons" =
"tonnes"; "2028-2033" = "between 2028 and 2033" (two year values each); "Tuesday" = "October 28"
when the publication date puts that Tuesday on the 28th. A hedge written right before or after a
number ("up to", "more than", "or so") is bound to that number, so a rewrite that keeps the number
but loses the hedge can be told apart from one that changes the number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WORD_VALUES: dict[str, float] = {
    w: float(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_WORD_VALUES.update(
    {
        w: float(10 * (i + 2))
        for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
    }
)
_WORD_VALUES.update({"dozen": 12.0, "a dozen": 12.0, "a": 1.0, "an": 1.0})
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_WORDNUM = (
    rf"(?:(?:{_TENS})(?:[-\s](?:{_ONES})\b)?|zero|{_ONES}|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|a\s+dozen|dozen"
    r"|an?(?=\s+(?:hundred|thousand|million|billion|trillion)\b))"
)
_SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bln": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "crore": 1e7,
    "lakh": 1e5,
}
_CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "u.s.$": "USD",
    "usd": "USD",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "cad": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY|CNY",
    "jpy": "JPY",
    "cny": "CNY",
    "rmb": "CNY",
    "₹": "INR",
    "inr": "INR",
}
_CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD",
    "euro": "EUR",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "pound": "GBP",
    "sterling": "GBP",
    "rupee": "INR",
    "rouble": "RUB",
    "ruble": "RUB",
    "won": "KRW",
    "franc": "CHF",
    "ringgit": "MYR",
    "baht": "THB",
    "peso": "MXN",
    "real": "BRL",
    "reais": "BRL",
    "lira": "TRY",
    "rand": "ZAR",
}
_UNIT_WORDS: dict[str, str] = {
    "ton": "t",
    "tonne": "t",
    "metric ton": "t",
    "mt": "t",
    "barrel": "bbl",
    "bpd": "bbl",
    "kilogram": "kg",
    "kilometre": "km",
    "kilometer": "km",
    "metre": "m",
    "meter": "m",
    "megawatt": "MW",
    "mw": "MW",
    "gigawatt": "GW",
    "gw": "GW",
    "cubic meter": "m3",
    "cubic metre": "m3",
    "litre": "l",
    "liter": "l",
}
_UNITS = (
    r"(?:metric\s+)?tons?|tonnes?|mt|barrels?|bpd|kg|kilograms?|km|kilomet(?:re|er)s?|miles?|"
    r"metres?|meters?|hectares?|acres?|megawatts?|mw|gigawatts?|gw|cubic\s+met(?:re|er)s?|bcm|"
    r"gallons?|litres?|liters?|ounces?|years?|months?|weeks?|days?|hours?|minutes?|people|"
    r"persons?|workers?|jobs?|troops?|soldiers?|deaths?|employees?|members?|countries|nations|"
    r"companies|firms|vehicles?|cars?|homes?|houses?|votes?|seats?"
)
_NUMBER = re.compile(
    r"(?<![\w.,/:$€£¥₹])(?<![^\W\d_]-)"
    r"(?P<cur>US\$|U\.S\.\s?\$|A\$|AU\$|C\$|CA\$|NZ\$|HK\$|S\$|R\$|\$|€|£|¥|₹|"
    r"\b(?:USD|EUR|GBP|JPY|CNY|RMB|INR|AUD|CAD)\s?)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b{_WORDNUM})"
    r"(?:(?P<satt>bn|mn|m|b|k|tn|trn|bln|mln)\b|"
    r"\s?(?P<scale>hundred|thousand|million|billion|trillion|mln|bln|bn|tn|crore|lakh)\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per\s?cent\b|pct\b|percentage\s+points?\b))?"
    r"(?:\s(?P<curw>(?:(?:U\.S\.|US|Australian|Canadian|Hong\s+Kong|Singapore|New\s+Zealand)\s)?"
    r"dollars?|euros?|yen|yuan|renminbi|pounds?(?:\s+sterling)?|sterling|rupees?|roubles?|"
    r"rubles?|won|francs?|ringgit|baht|pesos?|reais|lira|rand)\b)?"
    rf"(?:(?P<usep>-|\s)(?P<unit>{_UNITS})\b)?"
    r"(?!\w|[.,]\d|:\d|/\d|(?<=\d)(?:st|nd|rd|th)\b)",
    re.IGNORECASE,
)
_HEDGES: dict[str, str] = {
    "up to": "upper",
    "as many as": "upper",
    "as much as": "upper",
    "as high as": "upper",
    "at most": "upper",
    "no more than": "upper",
    "not more than": "upper",
    "less than": "upper",
    "fewer than": "upper",
    "under": "upper",
    "below": "upper",
    "just under": "upper",
    "well under": "upper",
    "nearly": "near",
    "almost": "near",
    "about": "approx",
    "around": "approx",
    "roughly": "approx",
    "approximately": "approx",
    "approx.": "approx",
    "some": "approx",
    "circa": "approx",
    "close to": "approx",
    "an estimated": "approx",
    "estimated": "approx",
    "~": "approx",
    "more than": "lower",
    "over": "lower",
    "at least": "lower",
    "above": "lower",
    "upwards of": "lower",
    "in excess of": "lower",
    "just over": "lower",
    "well over": "lower",
    "or more": "lower",
    "plus": "lower",
    "or so": "approx",
    "or less": "upper",
}
_HEDGE_BEFORE = re.compile(
    r"(?:(?<![\w-])("
    + "|".join(
        sorted(
            (re.escape(h) for h in _HEDGES if h not in ("or more", "or so", "or less", "plus")),
            key=len,
            reverse=True,
        )
    )
    + r"))\s*$",
    re.IGNORECASE,
)
_HEDGE_AFTER = re.compile(r"^(?:\s+(or more|or so|or less)\b|-?(plus)\b)", re.IGNORECASE)
_PREPOSITION_HEDGES = frozenset({"over", "under", "above", "below"})
_OF_PHRASE = re.compile(r"\s+of\s+((?:[\w’'.-]+\s?){1,5})")
_OF_STOP = frozenset(
    "and or while which that respectively from in to with as for by according who on at".split()
)
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and|or)\s*$")


@dataclass(slots=True)
class Number:
    """A number as written and as a value: 'up to 5.5 million metric tons' -> value 5.5e6, kind
    'measure', unit 't', hedge 'up to'."""

    text: str
    start: int
    end: int
    value: float
    kind: str  # count | percent | pp | money | measure | year
    unit: str  # '%', currency code, normalised unit, or ''
    ulp: float  # the value of one step in the last written digit (rounding tolerance)
    words: bool  # written in words ("eight") rather than digits
    hedge: str = ""
    hedge_class: str = ""  # approx | near | upper | lower
    hedge_start: int | None = None
    of_phrase: str = ""  # "of processing" -> "processing": what the number measures
    scale: float = 1.0  # the multiplier of a scale word ("million" -> 1e6)

    @property
    def salient(self) -> bool:
        """Digits, a percent, money or a scale word: numbers a reader would notice missing."""
        return not self.words or self.kind in ("percent", "pp", "money") or self.value >= 100

    @property
    def span(self) -> tuple[int, int]:
        """Offsets of the number with its hedge as written ('about 20 minutes', '5,000 people
        or more'): what a report quotes and points at."""
        if self.hedge and self.hedge_start is not None:
            return min(self.start, self.hedge_start), max(
                self.end, self.hedge_start + len(self.hedge)
            )
        return self.start, self.end

    @property
    def shown(self) -> str:
        """The number with its hedge, as a reader would quote it."""
        if not self.hedge:
            return self.text
        if self.hedge_start is not None and self.hedge_start < self.start:
            return f"{self.hedge} {self.text}"
        return f"{self.text} {self.hedge}"


def extract_numbers(text: str, masked: list[tuple[int, int]] = ()) -> list[Number]:
    """Every number in `text` outside the `masked` spans (dates), with hedges bound."""
    if masked:
        chars = list(text)
        for s, e in masked:
            chars[s:e] = " " * (e - s)
        scan = "".join(chars)
    else:
        scan = text
    out: list[Number] = []
    for m in _NUMBER.finditer(scan):
        n = _build(m, text)
        if n is not None:
            out.append(n)
    _share_ranges(text, out)
    return out


def _build(m: re.Match[str], text: str) -> Number | None:
    raw = m.group("num")
    low = re.sub(r"\s+", " ", raw.lower())
    words = not raw[0].isdigit()
    scale_word = (m.group("satt") or m.group("scale") or "").lower()
    pct, cur, curw, unit = m.group("pct"), m.group("cur"), m.group("curw"), m.group("unit")
    if words:
        if low in ("one", "a", "an") and not (scale_word or pct):
            return None  # "one of the main goals", "a deal"
        parts = re.split(r"[-\s]", low)
        value = (
            sum(_WORD_VALUES.get(p, 0.0) for p in parts)
            if low not in _WORD_VALUES
            else _WORD_VALUES[low]
        )
        decimals = 0
    else:
        digits = raw.replace(",", "")
        value = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
    if m.group("satt") and not (cur or raw[0].isdigit()):
        return None
    if m.group("satt") and m.group("satt").lower() in ("m", "b", "k") and not cur:
        return None  # "5m" without a currency may be metres
    scale = _SCALES.get(scale_word, 1.0)
    value *= scale
    ulp = (10.0**-decimals) * scale
    if pct:
        p = pct.lower()
        kind, unit_n = ("pp", "pp") if p.startswith("percentage") else ("percent", "%")
    elif cur or curw:
        kind = "money"
        if cur:
            unit_n = _CURRENCY_SYMBOLS.get(re.sub(r"\s", "", cur.lower()), "USD")
        else:
            cw = curw.lower().split()[-1].rstrip("s") if curw.lower() != "reais" else "reais"
            unit_n = _CURRENCY_WORDS.get(cw, _CURRENCY_WORDS.get(curw.lower().split()[-1], "?"))
            if cw == "dollar" and curw.split()[0] not in ("US", "U.S.", "dollars", "dollar"):
                unit_n = curw.split()[0][:2].upper() + "D"
    elif unit:
        kind = "measure"
        u = re.sub(r"\s+", " ", unit.lower())
        unit_n = _UNIT_WORDS.get(u, _UNIT_WORDS.get(u.rstrip("s"), u.rstrip("s")))
        if u.startswith("metric"):
            unit_n = "t"
    elif not words and scale == 1.0 and decimals == 0 and "," not in raw and 1900 <= value <= 2100:
        kind, unit_n = "year", ""
    else:
        kind, unit_n = "count", ""
    n = Number(m.group(), m.start(), m.end(), value, kind, unit_n, ulp, words, scale=scale)
    _bind_hedge(n, text, m.group("usep") == "-")
    if n.kind != "year" or n.hedge_class == "approx":
        tail = _OF_PHRASE.match(text, m.end())
        if tail:
            n.of_phrase = _trim_phrase(tail.group(1))
    return n


def _bind_hedge(n: Number, text: str, attributive: bool) -> None:
    before = _HEDGE_BEFORE.search(text, max(0, n.start - 25), n.start)
    if before:
        h = before.group(1).lower()
        # "under 20-year contracts", "over 2025": prepositions, not hedges.
        if not (h in _PREPOSITION_HEDGES and (attributive or n.kind == "year")):
            n.hedge, n.hedge_class, n.hedge_start = h, _HEDGES[h], before.start(1)
            return
    after = _HEDGE_AFTER.match(text[n.end : n.end + 12])
    if after:
        group = 1 if after.group(1) else 2
        h = after.group(group).lower()
        n.hedge, n.hedge_class, n.hedge_start = h, _HEDGES[h], n.end + after.start(group)


def _trim_phrase(phrase: str) -> str:
    out = []
    for w in phrase.split():
        if w.lower() in _OF_STOP:
            break
        out.append(w)
        if w.endswith(".") and len(w) > 4:
            break
    return " ".join(out)


def _share_ranges(text: str, nums: list[Number]) -> None:
    """'5 to 10 million', '12% and 8% of X', '4% and 1% of processing': the first number takes
    the scale/unit and what-it-measures of the second when only the second writes them."""
    for i in range(len(nums) - 2, -1, -1):  # right to left so chains propagate
        a, b = nums[i], nums[i + 1]
        if not _RANGE_GAP.match(text[a.end : b.start]) and text[a.end : b.start].strip() != ",":
            continue
        if not a.of_phrase and b.of_phrase:
            a.of_phrase = b.of_phrase
        if a.kind == "count" and a.scale == 1.0 and b.kind not in ("count", "year"):
            a.value, a.ulp, a.scale = a.value * b.scale, a.ulp * b.scale, b.scale
            a.kind, a.unit = b.kind, b.unit


def same_unit(a: Number, b: Number) -> bool:
    """Compatible units: equal, or one side bare ('5.5 million' vs '5.5 million tons'), years
    and counts interchangeable, yen/yuan symbol matching either."""
    if a.unit == b.unit:
        return True
    bare = ("count", "year")
    if a.kind in bare and b.kind in bare:
        return True
    if a.kind in bare or b.kind in bare:  # "5.5 million" for "5.5 million tons", not "2" for "2%"
        plain = a if a.kind in bare else b
        return plain.scale > 1.0
    if a.kind == b.kind == "money":
        return a.unit in b.unit.split("|") or b.unit in a.unit.split("|")
    return False


def same_value(r: Number, w: Number) -> bool:
    """Equal, or the rewrite rounded the wire number to its own precision ('1.5 billion' for
    '1.53 billion'); a rewrite hedged with 'about' may round one step further."""
    if r.value == w.value:
        return True
    if r.hedge_class in ("approx", "near"):
        tol = min(r.ulp, 0.2 * abs(w.value))
    else:
        tol = min(r.ulp / 2, 0.1 * abs(w.value))
    if r.kind == "year" or w.kind == "year":
        tol = 0.0
    return abs(r.value - w.value) <= tol + 1e-9 * max(abs(r.value), abs(w.value))


def hedges_conflict(w: Number, r: Number) -> str:
    """Why the rewrite's hedge fails the wire's, or '' when it does not: missing, or turned from
    an upper bound into a lower one (or back)."""
    if not w.hedge:
        return ""
    if not r.hedge:
        return "dropped"
    classes = {w.hedge_class, r.hedge_class}
    if "approx" in classes or w.hedge_class == r.hedge_class:
        return ""
    if classes <= {"upper", "near"}:
        return ""
    return "changed"


# ---------------------------------------------------------------------------------------- dates

_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_FULL_MON = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?!%|\s*per)"
    r"(?:,?\s+(?P<y1>\d{4})(?!\d))?"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON})\b\.?"
    r"(?:,?\s+(?P<y2>\d{4})(?!\d))?"
    rf"|\b(?P<m3>{_FULL_MON})\b(?:\s+(?P<y3>\d{{4}})(?!\d))?"
    r"|\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?P<rel>today|yesterday|tomorrow)\b"
)
_MONTH_NO = {m[:3].lower(): i + 1 for i, m in enumerate(_FULL_MON.split("|"))}
_WEEKDAY_NO = {
    d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
}
_REL = {"yesterday": -1, "today": 0, "tomorrow": 1}
_MONTH_LEADS = frozenset(
    "in since until till by from during early late mid last next this of through before after "
    "end start beginning".split()
)


@dataclass(slots=True)
class DateRef:
    """A date as written; fields left None are not stated ('Tuesday' has only `weekday`)."""

    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    rel: int | None = None  # days from publication: yesterday -1, today 0, tomorrow 1

    @property
    def day_level(self) -> bool:
        return self.day is not None or self.weekday is not None or self.rel is not None


def extract_dates(text: str) -> list[DateRef]:
    """Calendar dates, months, weekdays and today/yesterday/tomorrow."""
    out: list[DateRef] = []
    for m in _DATE.finditer(text):
        g = m.groupdict()
        if g["m1"] or g["m2"]:
            day = int(g["d1"] or g["d2"])
            if not 1 <= day <= 31:
                continue
            year = g["y1"] or g["y2"]
            out.append(
                DateRef(
                    m.group(),
                    m.start(),
                    m.end(),
                    int(year) if year else None,
                    _MONTH_NO[(g["m1"] or g["m2"])[:3].lower()],
                    day,
                )
            )
        elif g["m3"]:
            lead = text[max(0, m.start() - 12) : m.start()].lower().replace("-", " ").split()
            if not g["y3"] and not (lead and lead[-1] in _MONTH_LEADS):
                continue  # "May" the modal or the surname
            out.append(
                DateRef(
                    m.group(),
                    m.start(),
                    m.end(),
                    int(g["y3"]) if g["y3"] else None,
                    _MONTH_NO[g["m3"][:3].lower()],
                )
            )
        elif g["wd"]:
            out.append(DateRef(m.group(), m.start(), m.end(), weekday=_WEEKDAY_NO[g["wd"].lower()]))
        else:
            out.append(DateRef(m.group(), m.start(), m.end(), rel=_REL[g["rel"].lower()]))
    return out


def resolve(d: DateRef, pub: dt.date | None) -> frozenset[dt.date] | None:
    """The calendar days a day-level mention can mean, given the publication date. A weekday
    means the one within six days either side (news says 'on Thursday' for last or next
    Thursday); a day without a year takes the year that puts it nearest publication."""
    if d.day is not None and d.month is not None:
        if d.year is not None:
            return _safe({(d.year, d.month, d.day)})
        if pub is None:
            return None
        options = _safe({(pub.year + k, d.month, d.day) for k in (-1, 0, 1)})
        if not options:
            return None
        return frozenset({min(options, key=lambda x: abs((x - pub).days))})
    if pub is None:
        return None
    if d.weekday is not None:
        return frozenset(
            pub + dt.timedelta(days=k)
            for k in range(-6, 7)
            if (pub + dt.timedelta(days=k)).weekday() == d.weekday
        )
    if d.rel is not None:
        return frozenset({pub + dt.timedelta(days=d.rel)})
    return None


def _safe(triples: set[tuple[int, int, int]]) -> frozenset[dt.date]:
    out = set()
    for y, m, d in triples:
        try:
            out.add(dt.date(y, m, d))
        except ValueError:
            continue
    return frozenset(out)


def dates_agree(r: DateRef, rpub: dt.date | None, w: DateRef, wpub: dt.date | None) -> bool:
    """Could the two mentions name the same date? Unknowable cases count as agreeing, so only a
    provable change is ever reported."""
    if r.day_level and w.day_level:
        rs, ws = resolve(r, rpub), resolve(w, wpub)
        if rs is not None and ws is not None:
            return bool(rs & ws)
        if r.weekday is not None and w.weekday is not None:
            return r.weekday == w.weekday
        if r.day is not None and w.day is not None:
            return (r.month, r.day) == (w.month, w.day) and (
                r.year is None or w.year is None or r.year == w.year
            )
        return True
    # At least one side is month-level: compare months (and years when both state them).
    rm = _months(r, rpub)
    wm = _months(w, wpub)
    if rm is None or wm is None:
        return True
    return bool(rm & wm)


def _months(d: DateRef, pub: dt.date | None) -> frozenset[tuple[int | None, int]] | None:
    if d.month is not None:
        return frozenset({(None, d.month)})
    days = resolve(d, pub)
    return None if days is None else frozenset((None, x.month) for x in days)


def show_date(d: DateRef, pub: dt.date | None) -> str:
    days = resolve(d, pub) if d.day_level else None
    if days and len(days) == 1:
        return f"'{d.text}' ({next(iter(days)).isoformat()})"
    return f"'{d.text}'"
