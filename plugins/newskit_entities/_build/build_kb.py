"""Build the bundled knowledge base ``newskit_entities/data/kb.json.gz``.

    python plugins/newskit_entities/_build/build_kb.py /path/to/shared/data/kb [-o OUT]

Inputs (facts only — names, QIDs, offices, dates, gender):

- ``<shared>/countries.jsonl`` (rigour territories, MIT; capitals from Natural Earth, public domain)
- ``<shared>/cities.jsonl`` (Natural Earth populated places, public domain)
- ``<shared>/people.jsonl`` (Wikidata, CC0: heads of state and government, ministers)
- ``<shared>/parties.jsonl`` (Party Facts, MIT)
- ``curated/*.tsv`` beside this script: the project's own hand-written tables (organisations,
  companies, media, sports clubs and competitions, seats of power, regions, demonyms, country
  overrides, person corrections). ``sports.tsv`` has an eighth column of short forms ("City",
  "Spurs") that link only after the full name in the same document.

The share-alike lists (``intl_orgs.jsonl``, ``demonyms.tsv``) are never read here; they serve
only ``check_curated.py`` to check hand-written QIDs.

Output: one gzip-compressed JSON document in the layout ``newskit_entities._kb.pack`` writes
(version 2): the entities as rows of fields, plus the ranked alias and short-form index, so that
loading the KB is one JSON decode and no sorting. The build is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"
DEFAULT_OUT = HERE.parent / "data" / "kb.json.gz"

#: Minimum metropolitan population of a non-capital city to enter the KB.
CITY_MIN_POP = 200_000
#: Below this population a city enters only when another list confirms its QID under the same
#: name (``corroborated_by`` without "(qid only)"), so a wrong QID of a small place stays out.
CITY_CHECKED_BELOW = 1_000_000
#: Aliases never used for a territory or city (common words, noise in the source tables).
ALIAS_STOP = {
    "Island", "CAR", "Online", "Internet", "Global", "Mann", "Magyar", "Nederlands", "Tunis",
    "Trinidad", "Tobago", "Turkmen", "Jèrriais", "Cayman", "Best Korea", "Ukrainian", "Estonian",
    "Gabonais", "Gabonese", "Qatari", "Israelite", "Dagestani", "Andorran", "Iraki", "Cypriot Republic",
    "Federal", "Central", "Capital", "North", "South", "East", "West", "Victoria", "Mobile",
    "Reading", "Nice", "Split", "Of", "The", "Police", "Orange", "Independence", "Concord", "Union",
}
LATIN = re.compile(r"^[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ0-9 .'’&()-]*$")


def fold(text: str) -> str:
    """ASCII-folded form: "Erdoğan" → "Erdogan"."""
    out = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_tsv(name: str) -> list[list[str]]:
    rows = []
    with (CURATED / name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def split(cell: str, sep: str = "|") -> list[str]:
    return [p.strip() for p in cell.split(sep) if p.strip()] if cell else []


def good_alias(a: str) -> bool:
    if not a or a in ALIAS_STOP or not LATIN.match(a) or not a[0].isupper():
        return False
    if "(" in a or ")" in a:
        return False
    if a.isupper() and len(a) > 5:  # SHOUTED source rows
        return False
    return len(a) >= 3 or (a.isupper() and len(a) >= 2)


class Builder:
    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.entities: dict[str, dict] = {}
        self.remap: dict[str, str] = {}  # territory QID → QID linked in news (Q29999 → Q55)

    def add(self, eid: str, **fields) -> dict:
        ent = self.entities.get(eid)
        if ent is None:
            ent = {"id": eid}
            self.entities[eid] = ent
        for key, value in fields.items():
            if value in (None, "", [], {}):
                continue
            if key in ("a", "ac", "dm", "tg", "sh"):
                cur = ent.setdefault(key, [])
                for v in value:
                    if v not in cur:
                        cur.append(v)
            else:
                ent[key] = value
        return ent

    # -- territories -------------------------------------------------------------------------

    def territories(self) -> None:
        overrides = {row[0]: row for row in read_tsv("country_overrides.tsv")}
        rows = read_jsonl(self.shared / "countries.jsonl")
        self.capital_of: dict[str, str] = {}
        self.iso2: dict[str, str] = {}
        # names of the cities that can enter the KB (see ``cities``): a region named like one of
        # them gives the name up ("Moscow" the city, not the federal subject); a village of the
        # same name does not take it ("Wales, Alaska", pop. 99, left Wales out)
        city_labels = {r["label"] for r in read_jsonl(self.shared / "cities.jsonl")
                       if r.get("is_national_capital") or (r.get("pop_max") or 0) >= CITY_MIN_POP}
        for r in rows:
            if r["type"] in ("supranational",) or r["code"] in ("zz", "ip"):
                continue
            qid = r["qid"]
            iso2 = r.get("iso2")
            ov = overrides.get(iso2) if r["type"] == "country" else None
            if ov:
                if ov[1] != qid:
                    self.remap[qid] = ov[1]
                qid = ov[1]
            names = [r["label"]]
            if r.get("full_name") and "(" not in r["full_name"]:
                names.append(r["full_name"])
            names += [a for a in r.get("aliases_strong", []) if a.upper() != a or len(a) <= 5]
            acronyms = []
            if ov:
                names += split(ov[2])
                acronyms = split(ov[3]) if len(ov) > 3 else []
            aliases = []
            for n in names:
                n = n.strip()
                if n.startswith("the "):
                    n = n[4:]
                if not good_alias(n):
                    continue
                if r["type"] != "country" and n in city_labels:
                    continue  # "Moscow" the city, not the federal subject
                if n.isupper() and len(n) <= 5:
                    acronyms.append(n)
                else:
                    aliases.append(n)
            kind = {
                "country": "country",
                "historical_state": "historical_state",
                "territory": "territory",
                "historical_subdivision": "historical_state",
            }.get(r["type"], "region")
            if kind == "region" and (r.get("parent_code") in (None, "")):
                kind = "territory"
            if r["type"] == "subdivision_or_dependency" and r.get("parent_code") == "us":
                kind = "us_state"
            ent = self.add(
                qid,
                n=r["label"] if not ov or r["label"] != "Türkiye" else "Turkey",
                l="GPE",
                t=kind,
                a=aliases,
                ac=[a for a in acronyms if a not in ALIAS_STOP],
                c=self.remap.get(r.get("parent_qid"), r.get("parent_qid")),
                oq=[q for q in [r["qid"], *r.get("other_qids", [])] if q != qid],
                iso=iso2,
                p=1.0 if kind == "country" else (0.45 if kind in ("us_state", "region") else 0.6),
            )
            if r.get("capital_qid") and kind == "country":
                ent["cap"] = r["capital_qid"]
                self.capital_of[r["capital_qid"]] = qid
            if iso2 and kind in ("country", "territory") and iso2 not in self.iso2:
                self.iso2[iso2] = qid
        for row in read_tsv("demonyms.tsv"):
            iso2, forms = row[0], split(row[1], ",")
            qid = self.iso2.get(iso2)
            if qid is None:
                raise SystemExit(f"demonyms.tsv: unknown country code {iso2}")
            self.entities[qid].setdefault("dm", []).extend(f for f in forms if f not in self.entities[qid].get("dm", []))

    def cities(self) -> None:
        #: cities admitted below ``CITY_CHECKED_BELOW`` (see ``prune_small_cities``)
        self.small_cities: set[str] = set()
        for r in read_jsonl(self.shared / "cities.jsonl"):
            capital = bool(r.get("is_national_capital"))
            pop = r.get("pop_max") or 0
            if not capital and pop < CITY_MIN_POP:
                continue
            if not capital and pop < CITY_CHECKED_BELOW and (r["qid"] in self.entities or not any(
                    "(qid only)" not in c for c in r.get("corroborated_by") or ())):
                continue  # unconfirmed, or a territory already (Macao)
            aliases = [a for a in [r["label"], *r.get("aliases", [])] if good_alias(a) and "-" not in a[-6:]]
            country = self.remap.get(r.get("country_qid"), r.get("country_qid"))
            prior = 0.55 + min(pop, 20_000_000) / 100_000_000 + (0.2 if capital else 0)
            if not capital and pop < CITY_CHECKED_BELOW:
                self.small_cities.add(r["qid"])
            self.add(
                r["qid"],
                n=r["label"],
                l="GPE",
                t="capital" if capital else "city",
                a=aliases,
                c=country,
                p=round(prior, 3),
            )
        # capitals named by the territory table but missing from the city rows
        for cap, country in self.capital_of.items():
            if cap in self.entities:
                self.entities[cap]["t"] = "capital"
                self.entities[cap].setdefault("of", country)
            ent = self.entities.get(cap)
            if ent is not None:
                ent["of"] = country

    def prune_small_cities(self) -> None:
        """A smaller city gives up a name that names another entity ("London" stays the capital,
        not London, Ontario) or is the short form of a person or club ("Brighton" for Brighton &
        Hove Albion, "Medina" for a minister), so those keep linking as before; a city left
        with no name is dropped."""
        taken = {s for e in self.entities.values() for s in e.get("sh", ())}
        taken.update(a for qid, e in self.entities.items() if qid not in self.small_cities
                     for key in ("a", "ac", "dm") for a in e.get(key, ()))
        for qid in sorted(self.small_cities):
            ent = self.entities[qid]
            ent["a"] = [a for a in ent.get("a", []) if a not in taken]
            if not ent["a"]:
                del self.entities[qid]

    # -- persons ------------------------------------------------------------------------------

    def persons(self) -> None:
        people = read_jsonl(self.shared / "people.jsonl")
        office_roles = [(re.compile(row[0]), row[1]) for row in read_tsv("office_roles.tsv")]
        for r in people:
            label = r.get("label")
            if not label or not r.get("offices"):
                continue
            aliases = [label, *r.get("aliases", [])]
            # a monarch's regnal name without the country: "Abdullah II of Jordan" → "Abdullah II"
            aliases += [m.group(1) for m in map(REGNAL.match, aliases) if m is not None]
            aliases += [fold(a) for a in aliases]
            aliases = [a for a in dict.fromkeys(aliases) if good_alias(a) and " " in a.strip()]
            offices = {}
            for o in r["offices"]:
                role = o.get("role")
                if not role:
                    continue
                if role == "cabinet_member":  # "Vice President" → vice_president
                    role = next((r for p, r in office_roles if p.fullmatch(o.get("office_label") or "")), role)
                country = self.remap.get(o.get("country_qid"), o.get("country_qid"))
                key = (role, country)
                start, end = o.get("start"), o.get("end")
                old = offices.get(key)
                if old:
                    start = min(filter(None, [start, old[2]]), default=None)
                    end = None if (end is None or old[3] is None) else max(end, old[3])
                offices[key] = [role, country, start, end]
            self.add(
                r["qid"],
                n=label,
                l="PERSON",
                t="person",
                a=aliases,
                g=r.get("gender"),
                o=sorted(offices.values(), key=lambda x: (x[0], x[1] or "", x[2] or "")),
                p=0.7,
            )
        for row in read_tsv("persons.tsv"):
            row += [""] * (5 - len(row))
            qid, gender, aliases, add, close = row[:5]
            ent = self.entities.get(qid)
            if ent is None:
                raise SystemExit(f"persons.tsv: {qid} is not a person of the generated tables; add it with a checked QID")
            if gender:
                ent["g"] = gender
            extra = [a for a in split(aliases) if " " in a]
            ent.setdefault("a", []).extend(a for a in extra if a not in ent["a"])
            ent.setdefault("sh", []).extend(a for a in split(aliases) if " " not in a)
            for spec in split(add):
                role, country, start, end = (spec.split(":") + ["", "", "", ""])[:4]
                offices = ent.setdefault("o", [])
                # a precise tenure replaces the same one known only by its year ("2022")
                offices[:] = [o for o in offices if not (
                    o[0] == role and o[1] == country and start and o[2] and len(o[2]) == 4
                    and start.startswith(o[2]))]
                offices.append([role, country, start or None, end or None])
            for spec in split(close):
                role, country, end = spec.split(":")
                for o in ent.get("o", []):
                    # an open tenure ends, or one known to end only by its year gets its day
                    open_end = o[3] is None or (len(o[3]) == 4 and end.startswith(o[3]))
                    if o[0] == role and o[1] == country and open_end and (o[2] or "") < end:
                        o[3] = end
        self._close_superseded()
        self._spelling_variants()
        for ent in self.entities.values():
            if ent.get("t") != "person":
                continue
            short = []
            for name in [ent["n"], *ent.get("a", [])]:
                if OF_PLACE.match(name):
                    continue  # "Abdullah II of Jordan", "Salman of Saudi Arabia": no surname
                parts = name.split()
                if len(parts) > 1 and parts[-1].rstrip(".") not in ("Jr", "Sr", "II", "III", "IV"):
                    short += [parts[-1], fold(parts[-1])]
                    # a surname with its article: "el-Sisi" → "Sisi", "al-Assad" → "Assad"
                    bare = SURNAME_ARTICLE.sub("", parts[-1])
                    if bare != parts[-1]:
                        short += [bare, fold(bare)]
                if (len(parts) > 2 and parts[-2][:1].isupper() and not parts[-2].endswith(".")
                        and not any(ROMAN.match(w) for w in parts[-2:])):
                    # a double surname: "Andrés Manuel López Obrador" → "López Obrador"
                    pair = " ".join(parts[-2:])
                    short += [pair, fold(pair)]
            countries = {o[1] for o in ent.get("o", [])}
            if countries & EAST_ASIAN and len(ent["n"].split()) >= 2:
                short.append(ent["n"].split()[0])  # family name first: "Xi Jinping" → "Xi"
            ent.setdefault("sh", [])
            for s in short:
                if s not in ent["sh"] and len(s) > 1 and s[0].isupper():
                    ent["sh"].append(s)

    def _spelling_variants(self) -> None:
        """Add the other common spellings of transliterated names (``transliterations.tsv``):
        "Sergey Shoygu" → "Sergei Shoigu", "Mohammad bin Salman" → "Mohammed bin Salman". A
        spelling that names another entity, or that two persons would share, is left out."""
        rules = [(re.compile(row[0]), row[1]) for row in read_tsv("transliterations.tsv")]
        taken = {a for e in self.entities.values() for key in ("a", "ac", "dm") for a in e.get(key, ())}
        made: dict[str, set[str]] = {}
        for qid, ent in self.entities.items():
            if ent.get("t") != "person":
                continue
            for name in ent.get("a", []):
                options = []
                for word in name.split(" "):
                    forms = [word]
                    for pattern, repl in rules:
                        other = pattern.sub(repl, word)
                        if other != word and other not in forms:
                            forms.append(other)
                    options.append(forms)
                variants = [" ".join(p) for p in itertools.islice(itertools.product(*options), 16)]
                for v in variants:
                    if v != name and v not in taken:
                        made.setdefault(v, set()).add(qid)
        for variant, qids in sorted(made.items()):
            if len(qids) == 1:
                self.entities[next(iter(qids))]["a"].append(variant)

    def _close_superseded(self) -> None:
        """An open tenure ends where the next holder of the same office begins."""
        by_office: dict[tuple[str, str], list[list]] = {}
        for ent in self.entities.values():
            for o in ent.get("o", []):
                if o[0] in SINGLE_HOLDER_ROLES and o[1]:
                    by_office.setdefault((o[0], o[1]), []).append(o)
        for tenures in by_office.values():
            tenures.sort(key=lambda o: o[2] or "")
            for i, o in enumerate(tenures):
                if o[3] is None:
                    later = [t for t in tenures[i + 1 :] if t[2] and o[2] and t[2][:4] > o[2][:4] and t is not o]
                    if later:
                        o[3] = later[0][2]

    # -- parties and curated tables ----------------------------------------------------------------

    def parties(self) -> None:
        rows = read_jsonl(self.shared / "parties.jsonl")
        labels = {r["qid"]: r["label"] for r in rows}
        extra: dict[str, list[str]] = {}
        for row in read_tsv("party_names.tsv"):
            qid, label, names = (row + ["", "", ""])[:3]
            if labels.get(qid) != label:
                raise SystemExit(f"party_names.tsv: {qid} is not the party {label!r} of parties.jsonl")
            extra.setdefault(qid, []).extend(split(names))
        #: a party's one-word name ("Likud", "Kuomintang"), added after the curated tables
        #: unless it names another entity or is an ordinary word (``party_words_stop.txt``)
        self.party_words: list[tuple[str, dict]] = []
        for r in rows:
            if r.get("dissolved"):
                continue
            short = extra.pop(r["qid"], [])
            aliases, acronyms = [], []
            for n in [r["label"], *r.get("aliases", []), *short]:
                if not good_alias(n):
                    continue
                if n.isupper() and 2 <= len(n) <= 6 and n.isalpha():
                    acronyms.append(n)
                elif len(n.split()) >= 2 or n in short:
                    aliases.append(n)
                elif n == r["label"]:
                    self.party_words.append((n, r))
            if not aliases and not acronyms:
                continue
            self._party(r, aliases, acronyms)
        if extra:
            raise SystemExit(f"party_names.tsv: {sorted(extra)} are dissolved parties")

    def _party(self, r: dict, aliases: list[str], acronyms: list[str]) -> None:
        self.add(
            r["qid"], n=r["label"], l="ORG", t="party", a=aliases, ac=acronyms,
            c=self.remap.get(r.get("country_qid"), r.get("country_qid")), tg=["political_party"], p=0.3,
        )

    def party_names(self) -> None:
        """One-word party names ("Likud", "Kuomintang") that name nothing else in the KB."""
        stop = {line.strip() for line in (CURATED / "party_words_stop.txt").open(encoding="utf-8")
                if line.strip() and not line.startswith("#")}
        taken = {a for e in self.entities.values() for key in ("a", "ac", "dm") for a in e.get(key, ())}
        words = [(n, r) for n, r in self.party_words if n not in stop and n not in taken]
        for n, r in words:
            self._party(r, [n], [])

    def curated(self) -> None:
        labels = {"person": "PERSON"}
        for name in ("orgs.tsv", "companies.tsv", "media.tsv", "regions.tsv", "sports.tsv"):
            for row in read_tsv(name):
                row += [""] * (8 - len(row))
                eid, label, kind, aliases, acronyms, tags, ner, short = row[:8]
                check_id(eid, name)
                acr = split(acronyms)
                al = [a for a in [label, *split(aliases)] if a not in acr]
                al += [fold(a) for a in al if fold(a) != a]
                prior = {"intl_org": 0.8, "company": 0.6, "media": 0.6}.get(kind, 0.65)
                self.add(
                    eid, n=label, l=ner or labels.get(kind, "ORG"), t=kind,
                    a=[a[4:] if a.startswith("the ") else a for a in al], ac=acr,
                    tg=split(tags), p=prior, sh=split(short),
                )
        for row in read_tsv("seats.tsv"):
            row += [""] * (5 - len(row))
            eid, label, aliases, target, tags = row[:5]
            check_id(eid, "seats.tsv")
            if target not in self.entities:
                raise SystemExit(f"seats.tsv: {label}: target {target} is not in the KB")
            al = [label, *split(aliases)]
            al += [fold(a) for a in al if fold(a) != a]
            self.add(eid, n=label, l="LOC", t="seat_of_power", a=al, tg=split(tags), tgt=target, p=0.9)

    def write(self, out: Path) -> None:
        ents = sorted(self.entities.values(), key=lambda e: e["id"])
        for e in ents:
            for key in ("a", "ac", "dm", "sh"):
                if key in e:
                    e[key] = list(dict.fromkeys(e[key]))
        from newskit_entities._kb import pack  # the stored layout is the loader's to define

        doc = pack(ents)
        out.parent.mkdir(parents=True, exist_ok=True)
        raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        with open(out, "wb") as fh:  # mtime 0: the same input gives the same bytes
            with gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
                gz.write(raw)
        counts: dict[str, int] = {}
        for e in ents:
            counts[e.get("t", "?")] = counts.get(e.get("t", "?"), 0) + 1
        print(f"wrote {out} ({out.stat().st_size:,} bytes): {len(ents):,} entities", file=sys.stderr)
        print("  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)


#: Offices that one person holds at a time (per country), so a later holder ends an open tenure.
SINGLE_HOLDER_ROLES = {"head_of_state", "head_of_government", "foreign_minister", "defence_minister",
                       "vice_president"}
#: A monarch's name with a regnal number and the country ("Abdullah II of Jordan").
REGNAL = re.compile(r"^([A-Z][^ ]+(?: [A-Z][^ ]+)? [IVX]+) of [A-Z].+$")
#: A monarch's name with "of" and the country, regnal number or not ("Salman of Saudi Arabia").
OF_PLACE = re.compile(r"^[A-Z][^ ]+(?: [A-Z][^ ]+){0,2} of [A-Z][^ ]+(?: [A-Z][^ ]+)?$")
#: A regnal number ("II", "XVI").
ROMAN = re.compile(r"^[IVX]+$")
#: An Arabic article written onto a surname ("el-Sisi", "al-Assad", "Al-Kadhimi").
SURNAME_ARTICLE = re.compile(r"^(?:[Ee]l|[Aa]l|[Aa]d|[Aa]sh|[Aa]s|[Aa]r|[Aa]n)-(?=[A-Z])")
#: Countries whose names put the family name first (short form is the first token).
EAST_ASIAN = {"Q148", "Q865", "Q884", "Q423", "Q881", "Q711"}
ID_RE = re.compile(r"^(Q[1-9][0-9]*|[a-z][a-z0-9_-]*:[a-z0-9_./-]+)$")


def check_id(eid: str, where: str) -> None:
    if not ID_RE.match(eid):
        raise SystemExit(f"{where}: {eid!r} is neither a QID nor a namespaced id")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", type=Path, help="the shared data/kb folder (countries.jsonl, ...)")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    b = Builder(args.shared)
    b.territories()
    b.cities()
    b.persons()
    b.parties()
    b.curated()
    b.party_names()
    b.prune_small_cities()
    b.write(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
