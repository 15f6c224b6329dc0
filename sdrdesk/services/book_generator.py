"""A seeded generator of realistic books, for the demo and for scale benchmarks.

Accounts in the US, Canada (Quebec too), the UK, Germany, France and Australia; contacts with
titles, personas, e-mails and phone numbers valid in each country's format (some mobiles,
some with extensions, about 3 % invalid as real lists have); sequences, tasks and activities
over the last 90 days. The same seed gives the same book.

Rows go in through one raw sqlite3 connection in one transaction with executemany, because
the ORM would take hours at 1M activities. The file is created and migrated by the normal
path first, so the schema, triggers and search index are the app's own.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberFormat

from sdrdesk.domain.cadence import BusinessCalendar
from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.domain.timezones import zones_for_place
from sdrdesk.resources_path import resource_path
from sdrdesk.storage.book_file import prepare_book_file

ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BookSize:
    accounts: int
    contacts: int
    activities: int
    enrollments: int | None = None  # contacts in a sequence; None: a fifth of them (at least 30)
    meetings: int = 0  # with their lifecycle (issue 17); 0 keeps a book of touches only


DEMO_SIZE = BookSize(accounts=400, contacts=1500, activities=5000, meetings=100)


@dataclass(frozen=True)
class _Country:
    code: str
    weight: int
    suffixes: tuple[str, ...]
    tld: str
    cities: tuple[tuple[str, str, str], ...]  # city, region, national area prefix
    mobile_prefixes: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


_EN_FIRST = ("James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Lucas",
             "Mia", "Mason", "Chloe", "Aiden", "Priya", "Wei", "Fatima", "Diego", "Zoë",
             "Siobhan", "Connor", "Grace", "Raj", "Hannah", "Kwame", "Yuki", "Isabella")
_EN_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Wilson", "Taylor", "O'Brien", "Nguyen", "Patel", "Kim", "Chen", "Walker",
            "Robinson", "MacDonald", "Singh", "Hernández", "Okafor", "Anderson", "Clarke")
_FR_FIRST = ("Émilie", "François", "Hélène", "Amélie", "Léa", "Théo", "Chloé", "Gaëlle",
             "Jérôme", "Loïc", "Mathéo", "Inès", "Benoît", "Céline", "Raphaël", "Noémie")
_FR_LAST = ("Dubois", "Lefèvre", "Moreau", "Côté", "Tremblay", "Gagnon", "Bélanger",
            "Roy", "Gauthier", "Bouchard", "Lévesque", "Fortin", "Girard", "Mercier",
            "Durand", "Laurent", "Bérubé")
_DE_FIRST = ("Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Lena", "Jonas", "Marie",
             "Björn", "Käthe", "Felix", "Jana", "Sören", "Mia", "Tobias", "Lea")
_DE_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
            "Becker", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
            "Neumann", "Groß")

_COUNTRIES: tuple[_Country, ...] = (
    _Country("US", 40, ("Inc.", "LLC", "Corp.", "Group"), "com",
             (("New York", "NY", "212"), ("San Francisco", "CA", "415"), ("Chicago", "IL", "312"),
              ("Austin", "TX", "512"), ("Boston", "MA", "617"), ("Seattle", "WA", "206"),
              ("Denver", "CO", "303"), ("Atlanta", "GA", "404"), ("Phoenix", "AZ", "602"),
              ("Miami", "FL", "305")),
             (), _EN_FIRST, _EN_LAST),
    _Country("CA", 15, ("Inc.", "Ltd.", "Corp."), "ca",
             (("Toronto", "ON", "416"), ("Vancouver", "BC", "604"), ("Montréal", "QC", "514"),
              ("Québec", "QC", "418"), ("Calgary", "AB", "403"), ("Ottawa", "ON", "613")),
             (), _EN_FIRST + _FR_FIRST, _EN_LAST + _FR_LAST),
    _Country("GB", 15, ("Ltd", "plc", "Group"), "co.uk",
             (("London", "England", "20"), ("Manchester", "England", "161"),
              ("Edinburgh", "Scotland", "131"), ("Bristol", "England", "117")),
             ("7700", "7911", "7400", "7835"), _EN_FIRST, _EN_LAST),
    _Country("DE", 12, ("GmbH", "AG", "SE"), "de",
             (("Berlin", "BE", "30"), ("München", "BY", "89"), ("Hamburg", "HH", "40"),
              ("Frankfurt am Main", "HE", "69"), ("Köln", "NW", "221")),
             ("151", "160", "170", "176"), _DE_FIRST, _DE_LAST),
    _Country("FR", 10, ("SAS", "SA", "SARL"), "fr",
             (("Paris", "Île-de-France", "1"), ("Lyon", "Auvergne-Rhône-Alpes", "4"),
              ("Bordeaux", "Nouvelle-Aquitaine", "5"), ("Lille", "Hauts-de-France", "3")),
             ("6", "7"), _FR_FIRST, _FR_LAST),
    _Country("AU", 8, ("Pty Ltd", "Ltd"), "com.au",
             (("Sydney", "NSW", "2"), ("Melbourne", "VIC", "3"), ("Brisbane", "QLD", "7"),
              ("Perth", "WA", "8")),
             ("4",), _EN_FIRST, _EN_LAST),
)

_NAME_A = ("Blue", "North", "Bright", "Silver", "Quantum", "Summit", "Harbor", "Maple",
           "Granite", "Nimbus", "Vertex", "Cedar", "Atlas", "Crescent", "Evergreen", "Nova",
           "Pioneer", "Orbit", "Lumen", "Keystone", "Beacon", "Falcon", "Aurora", "Prairie")
_NAME_B = ("Analytics", "Logistics", "Health", "Robotics", "Software", "Payments", "Energy",
           "Labs", "Systems", "Foods", "Capital", "Freight", "Learning", "Security", "Cloud",
           "Materials", "Media", "Networks", "Dynamics", "Works", "Bio", "Insights")
_INDUSTRIES = ("Software", "Logistics", "Healthcare", "Financial Services", "Manufacturing",
               "Retail", "Education", "Energy", "Telecommunications", "Professional Services",
               "Media", "Construction")
_SOURCE_LABELS = ("Apollo Q3 list", "Inbound webinar", "Trade show Berlin",
                  "Partner referral", "LinkedIn Sales Navigator", "ZoomInfo export")
_TRIGGERS = (
    ("Raised a Series B round", "press release"),
    ("Hiring 6 SDRs and 2 AEs", "LinkedIn job posts"),
    ("New VP of Sales started", "LinkedIn"),
    ("Opened a new office", "company blog"),
    ("Moving off a legacy CRM", "G2 review"),
    ("Announced expansion into Europe", "news article"),
    ("Quarterly results missed revenue target", "earnings call"),
    ("Acquired a smaller competitor", "press release"),
)
_PAINS = (
    "Reps spend hours a day on manual research before calls.",
    "Pipeline coverage is under 2x for next quarter.",
    "New hires take four months to ramp.",
    "No shared view of which outreach actually books meetings.",
    "Outbound volume is high but connect rates are dropping.",
)
_TITLES = (
    ("VP of Sales", "economic buyer"), ("Chief Revenue Officer", "economic buyer"),
    ("Head of Revenue Operations", "champion"), ("Sales Operations Manager", "champion"),
    ("Director of Sales Development", "champion"), ("Sales Enablement Lead", "influencer"),
    ("CTO", "technical buyer"), ("IT Director", "technical buyer"),
    ("Account Executive", "user"), ("SDR Team Lead", "user"),
    ("Executive Assistant", "gatekeeper"), ("Office Manager", "gatekeeper"),
    ("CFO", "economic buyer"), ("Procurement Manager", "influencer"),
)
_CALL_DISPOSITIONS = (
    ("no_answer", 38), ("voicemail", 30), ("connected", 8), ("conversation", 8),
    ("busy", 4), ("wrong_number", 3), ("not_interested", 5), ("callback_requested", 2),
    ("meeting_booked", 1), ("do_not_call", 1),
)
_CALL_NOTES = (
    "Left a short voicemail mentioning the {trigger}.",
    "Gatekeeper asked to send an e-mail first.",
    "Talked for a few minutes; interested but busy this quarter.",
    "Asked about pricing; follow up next week.",
    "Using a competitor, contract renews in Q2.",
    "",
    "",
)
def _hex(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


@dataclass(frozen=True)
class _Phone:
    raw: str
    e164: str | None
    extension: str | None
    valid: bool
    number_type: str
    region: str | None
    tokens: str


class _PhoneMaker:
    """Numbers that phonenumbers judges valid for a prefix, in national or international style.

    Parsing costs about half a millisecond, too slow for 300k contacts, so each prefix gets a
    pool of really parsed numbers and later ones vary a pooled number's last two digits
    (validity, type and zone depend on the leading digits, so they carry over).
    """

    POOL = 48

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._pools: dict[tuple[str, str], list[_Phone]] = {}

    def make(self, country: str, prefix: str) -> _Phone | None:
        pool = self._pools.setdefault((country, prefix), [])
        if len(pool) < self.POOL:
            fresh = self._fresh(country, prefix)
            if fresh is not None:
                pool.append(fresh)
                return fresh
            if not pool:
                return None
        base = pool[self.rng.randrange(len(pool))]
        tail = f"{self.rng.randrange(100):02d}"
        return _Phone(
            raw=base.raw[:-2] + tail,
            e164=base.e164[:-2] + tail if base.e164 else None,
            extension=None, valid=base.valid, number_type=base.number_type, region=base.region,
            tokens=" ".join(t[:-2] + tail for t in base.tokens.split()),
        )

    def _fresh(self, country: str, prefix: str) -> _Phone | None:
        example = phonenumbers.example_number(country)
        length = len(str(example.national_number)) if example else 10
        for _ in range(30):
            tail = "".join(self.rng.choice("0123456789") for _ in range(length - len(prefix)))
            if country in ("US", "CA") and tail[0] in "01":
                continue
            try:
                number = phonenumbers.parse(prefix + tail, country)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(number):
                continue
            international = self.rng.random() < 0.3
            fmt = PhoneNumberFormat.INTERNATIONAL if international else PhoneNumberFormat.NATIONAL
            raw = phonenumbers.format_number(number, fmt)
            info = parse_phone(raw, country)
            return _Phone(raw, info.e164, None, info.valid, info.number_type, info.region,
                          search_tokens(info.e164, raw))
        return None


class BookGenerator:
    def __init__(self, seed: int = 7, now: datetime | None = None) -> None:
        self.rng = random.Random(seed)
        self.now = (now or datetime.now(UTC)).astimezone(UTC)
        self.phones = _PhoneMaker(self.rng)
        weights = [c.weight for c in _COUNTRIES]
        self._country_pool = self.rng.choices(_COUNTRIES, weights=weights, k=4096)
        self._places: dict[str, tuple[str, str | None]] = {}  # contact id -> country, region

    # -- public -------------------------------------------------------------------------
    def write(self, path: Path, size: BookSize, progress: ProgressFn | None = None) -> None:
        """Write a new book at `path` (which must not exist yet)."""
        if path.exists() and path.stat().st_size > 0:
            raise FileExistsError(f"{path} exists; the generator only writes new books")
        prepare_book_file(path)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -200000")
            conn.execute("PRAGMA foreign_keys = OFF")  # we insert children before parents
            conn.execute("BEGIN")
            self._write_all(conn, size, progress or (lambda *_: None))
            conn.execute("COMMIT")
            problems = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
            if problems:
                raise RuntimeError(f"generator wrote broken references: {problems}")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            conn.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        conn.close()

    # -- internals ----------------------------------------------------------------------
    def _write_all(self, conn: sqlite3.Connection, size: BookSize, progress: ProgressFn) -> None:
        now = _stamp(self.now)
        labels = [(_hex(self.rng), name, now, now) for name in _SOURCE_LABELS]
        conn.executemany(
            "INSERT INTO source_labels (id, name, created_at, updated_at) VALUES (?,?,?,?)", labels
        )
        label_ids = [row[0] for row in labels]

        progress("accounts", 0, size.accounts)
        accounts = list(self._accounts(size.accounts, label_ids))
        conn.executemany(
            "INSERT INTO accounts (id, name, domain, website, industry, employee_count, phone_raw,"
            " phone_e164, country, region, city, source_label_id, icp_tier, likely_pain,"
            " buyer_roles, research_notes, first_line_ideas, notes, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a[:-1] for a in accounts),
        )
        conn.executemany(
            "INSERT INTO account_triggers (id, account_id, description, occurred_on, source,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
            self._triggers(accounts),
        )
        progress("contacts", 0, size.contacts)
        contact_rows: list[tuple[str, str, str]] = []  # id, account id, persona
        phone_rows: list[tuple[object, ...]] = []
        contacts = list(self._contacts(size.contacts, accounts, label_ids, contact_rows, phone_rows))
        # Phones first: the contact insert trigger then indexes the numbers in one pass.
        conn.executemany(
            "INSERT INTO contact_phones (id, contact_id, position, label, raw, e164, extension,"
            " is_valid, number_type, region, search_digits, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            phone_rows,
        )
        conn.executemany(
            "INSERT INTO contacts (id, account_id, first_name, last_name, title, persona, email,"
            " linkedin_url, country, region, city, consent_basis, source_label_id, notes,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            contacts,
        )
        progress("sequences", 0, 1)
        self._sequences_and_tasks(conn, contact_rows, self._places, size.enrollments)
        progress("activities", 0, size.activities)
        conn.executemany(
            "INSERT INTO activities (id, contact_id, account_id, kind, direction, disposition,"
            " occurred_at, duration_seconds, subject, notes, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            self._activities(size.activities, contact_rows, progress),
        )
        if size.meetings:
            progress("meetings", 0, size.meetings)
            write_meetings(conn, self.rng, self.now, size.meetings)  # issue 17: metrics
        progress("done", 1, 1)

    def _accounts(self, n: int, label_ids: list[str]) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        seen_domains: set[str] = set()
        for i in range(n):
            country = self._country_pool[i % len(self._country_pool)]
            city, region, area = rng.choice(country.cities)
            name = f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)}"
            slug = name.lower().replace(" ", "")
            domain = f"{slug}.{country.tld}"
            if domain in seen_domains:
                domain = f"{slug}{i}.{country.tld}"
                name = f"{name} {city}"
            seen_domains.add(domain)
            name = f"{name} {rng.choice(country.suffixes)}"
            phone = self.phones.make(country.code, area)
            employees = int(rng.choice((12, 35, 80, 150, 400, 900, 2500, 8000)) * rng.uniform(0.7, 1.4))
            tier = "A" if employees >= 200 and rng.random() < 0.6 else rng.choice("BBC")
            created = self.now - timedelta(days=rng.randint(1, 400))
            yield (
                _hex(rng), name, domain, f"https://www.{domain}", rng.choice(_INDUSTRIES),
                employees, phone.raw if phone else None, phone.e164 if phone else None,
                country.code, region, city, rng.choice(label_ids),
                tier, rng.choice(_PAINS), "VP Sales (economic buyer); RevOps (champion)",
                f"{rng.choice(_INDUSTRIES)} company based in {city}. Sells mostly mid-market.",
                f"Saw that {name} is {rng.choice(_TRIGGERS)[0].lower()} - worth a congratulation?",
                "", _stamp(created), _stamp(created + timedelta(days=rng.randint(0, 30))),
                country,
            )

    def _triggers(self, accounts: list[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for account in accounts:
            for _ in range(rng.choice((0, 1, 1, 2))):
                what, source = rng.choice(_TRIGGERS)
                day = (self.now - timedelta(days=rng.randint(2, 240))).date()
                stamp = _stamp(self.now)
                yield (_hex(rng), account[0], what, day.isoformat(), source, stamp, stamp)

    def _contacts(self, n: int, accounts: list[tuple[object, ...]], label_ids: list[str],
                  contact_rows: list[tuple[str, str, str]],
                  phone_rows: list[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for i in range(n):
            account = accounts[i % len(accounts)] if i < len(accounts) else rng.choice(accounts)
            country: _Country = account[-1]  # type: ignore[assignment]
            first = rng.choice(country.first_names)
            last = rng.choice(country.last_names)
            title, persona = rng.choice(_TITLES)
            domain = str(account[2])
            local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
            email = f"{_ascii(local)}{i if rng.random() < 0.3 else ''}@{domain}"
            contact_id = _hex(rng)
            created = self.now - timedelta(days=rng.randint(1, 300))
            contact_rows.append((contact_id, str(account[0]), persona))
            self._places[contact_id] = (country.code, account[9])  # type: ignore[assignment]
            self._phones_for(contact_id, country, str(account[10]), phone_rows)
            consent = "legitimate interest" if country.code in ("DE", "FR", "GB") else (
                "implied (business card)" if country.code == "CA" else None)
            yield (
                contact_id, account[0], first, last, title, persona, email,
                f"https://www.linkedin.com/in/{_ascii(local).replace('.', '-')}-{i}",
                country.code, account[9], account[10], consent, rng.choice(label_ids),
                "", _stamp(created), _stamp(created),
            )

    def _phones_for(self, contact_id: str, country: _Country, city: str,
                    rows: list[tuple[object, ...]]) -> None:
        rng = self.rng
        area = next((c[2] for c in country.cities if c[0] == city), country.cities[0][2])
        numbers: list[tuple[str, _Phone]] = []
        if rng.random() < 0.03:  # truncated, as real lists have: kept and flagged invalid
            raw = f"{area}-{rng.randint(100, 999)}"
            info = parse_phone(raw, country.code)
            numbers.append(("work", _Phone(raw, info.e164, None, info.valid, info.number_type,
                                           info.region, search_tokens(info.e164, raw))))
        else:
            work = self.phones.make(country.code, area)
            if work is not None:
                if rng.random() < 0.08:
                    ext = str(rng.randint(10, 9999))
                    work = _Phone(f"{work.raw} x{ext}", work.e164, ext, work.valid,
                                  work.number_type, work.region, work.tokens)
                numbers.append(("work", work))
        if rng.random() < 0.35:
            # NANP mobiles share area codes with landlines.
            prefix = rng.choice(country.mobile_prefixes) if country.mobile_prefixes else area
            mobile = self.phones.make(country.code, prefix)
            if mobile is not None:
                numbers.append(("mobile", mobile))
        stamp = _stamp(self.now)
        for position, (label, p) in enumerate(numbers):
            rows.append((
                _hex(rng), contact_id, position, label, p.raw, p.e164, p.extension,
                int(p.valid), p.number_type, p.region, p.tokens, stamp, stamp,
            ))

    def _sequences_and_tasks(self, conn: sqlite3.Connection, contacts: list[tuple[str, str, str]],
                             places: dict[str, tuple[str, str | None]], wanted: int | None) -> None:
        """The shipped sequences, and enrolments whose open task comes from the steps and their
        business-day offsets: most fall due this morning (the prospect's 09:00-11:30), some in
        the next days, a few left over from yesterday; sequences that ran out are finished."""
        rng = self.rng
        stamp = _stamp(self.now)
        data = json.loads(resource_path("data", "sequences.json").read_text(encoding="utf-8"))
        sequences: list[tuple[str, str, list[tuple[str, int, int, str]]]] = []
        for item in data["sequences"]:
            sequence_id = _hex(rng)
            conn.execute(
                "INSERT INTO sequences (id, name, description, is_active, created_at, updated_at)"
                " VALUES (?,?,?,1,?,?)", (sequence_id, item["name"], item.get("description"), stamp, stamp))
            steps = []
            for position, step in enumerate(item["steps"]):
                step_id = _hex(rng)
                conn.execute(
                    "INSERT INTO sequence_steps (id, sequence_id, position, day_offset, channel,"
                    " step_kind, instructions, template, subject, created_at, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (step_id, sequence_id, position, step["day_offset"], step["channel"],
                     step.get("step_kind"), step.get("instructions"), step.get("template"),
                     step.get("subject"), stamp, stamp))
                steps.append((step_id, position, int(step["day_offset"]), step["channel"]))
            sequences.append((sequence_id, item["name"], steps))
        count = max(30, len(contacts) // 5) if wanted is None else max(0, wanted)
        enrolled = rng.sample(contacts, k=min(len(contacts), count))
        enrollments, tasks = [], []
        calendars: dict[tuple[str, str | None], BusinessCalendar] = {}
        for contact_id, _account, _persona in enrolled:
            sequence_id, name, steps = rng.choice(sequences)
            code, region = places.get(contact_id, ("", None))
            zones = zones_for_place(code, region)
            zone = ZoneInfo(zones[0]) if zones else UTC
            cal = calendars.get((code, region))
            if cal is None:
                cal = calendars[(code, region)] = BusinessCalendar.for_place(code, region)
            today = self.now.astimezone(zone).date()
            started = cal.roll_forward(today - timedelta(days=rng.randint(0, 24)))
            position, due_day = 0, cal.add(started, steps[0][2])
            cutoff = today - timedelta(days=1) if rng.random() < 0.1 else today
            while due_day < cutoff and position + 1 < len(steps):
                position += 1
                due_day = cal.add(due_day, max(1, steps[position][2]))
            enrollment_id = _hex(rng)
            started_at = datetime.combine(started, time(9), tzinfo=zone)
            if due_day < cutoff:  # every step done: finished
                enrollments.append((enrollment_id, contact_id, sequence_id, "finished", position,
                                    _stamp(started_at), stamp, stamp, stamp, "finished"))
                continue
            enrollments.append((enrollment_id, contact_id, sequence_id, "active", position,
                                _stamp(started_at), stamp, stamp, None, None))
            step_id, _pos, _offset, channel = steps[position]
            due = datetime.combine(due_day, time(9), tzinfo=zone) + timedelta(minutes=5 * rng.randint(0, 30))
            label = {"call": "Call", "email": "E-mail", "linkedin": "LinkedIn"}.get(channel, "Task")
            title = f"{label} · step {position + 1}/{len(steps)} · {name}"
            tasks.append((_hex(rng), contact_id, enrollment_id, step_id, channel, title,
                          _stamp(due), "open", stamp, stamp))
        conn.executemany(
            "INSERT INTO enrollments (id, contact_id, sequence_id, status, current_position,"
            " started_at, created_at, updated_at, ended_at, end_reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
            enrollments)
        conn.executemany(
            "INSERT INTO tasks (id, contact_id, enrollment_id, step_id, channel, title, due_at,"
            " status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", tasks)

    def _activities(self, n: int, contacts: list[tuple[str, str, str]],
                    progress: ProgressFn) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        dispositions = [d for d, _ in _CALL_DISPOSITIONS]
        weights = [w for _, w in _CALL_DISPOSITIONS]
        kinds = ("call", "call", "call", "email", "email", "linkedin", "note")
        for i in range(n):
            if i % 100_000 == 0:
                progress("activities", i, n)
            contact_id, account_id, _persona = contacts[rng.randrange(len(contacts))]
            kind = kinds[rng.randrange(len(kinds))]
            when = self.now - timedelta(seconds=rng.randint(0, 90 * 86400))
            stamp = _stamp(when)
            if kind == "call":
                disposition = rng.choices(dispositions, weights)[0]
                talk = disposition in ("connected", "conversation", "meeting_booked",
                                       "not_interested", "callback_requested")
                duration = rng.randint(60, 900) if talk else rng.randint(5, 45)
                notes = rng.choice(_CALL_NOTES).format(trigger="recent news")
                yield (_hex(rng), contact_id, account_id, "call", "outbound", disposition,
                       stamp, duration, None, notes, stamp, stamp)
            elif kind == "email":
                disposition = rng.choice(("sent", "sent", "sent", "replied", "bounced"))
                yield (_hex(rng), contact_id, account_id, "email", "outbound", disposition,
                       stamp, None, "Quick question about ramp time", "", stamp, stamp)
            elif kind == "linkedin":
                yield (_hex(rng), contact_id, account_id, "linkedin", "outbound", "sent",
                       stamp, None, "Connection request", "", stamp, stamp)
            else:
                yield (_hex(rng), contact_id, account_id, "note", None, None, stamp, None,
                       None, "Research: " + rng.choice(_PAINS), stamp, stamp)


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                        "ê": "e", "ë": "e", "à": "a", "â": "a", "ç": "c", "î": "i", "ï": "i",
                        "ô": "o", "û": "u", "ù": "u", "ñ": "n", "á": "a", "í": "i", "ó": "o",
                        "ú": "u"})


def _ascii(text: str) -> str:
    return text.translate(_ASCII).encode("ascii", "ignore").decode()


# -- meetings (issue 17: metrics and review) --------------------------------------------
_AES = ("Dana Whitfield", "Marco Rossi", "Ingrid Larsen", "Tomás Ortega")
# A list that buys volume and never books: the source review should point at it.
_NO_MEETING_SOURCE = "ZoomInfo export"


def write_meetings(conn: sqlite3.Connection, rng: random.Random, now: datetime, n: int) -> int:
    """Meetings with a realistic lifecycle over the last 90 days: booked, some rescheduled or
    cancelled, held or no-show (some no-shows held later), then accepted or rejected by an AE
    with an opportunity value. Also marks a third of e-mail replies as positive."""
    conn.execute("UPDATE activities SET disposition = 'positive_reply' WHERE kind = 'email' "
                 "AND disposition = 'replied' AND rowid % 3 = 0")
    people = conn.execute(
        "SELECT c.id, c.account_id FROM contacts c LEFT JOIN source_labels s "
        "ON s.id = c.source_label_id WHERE s.name IS NOT ? ORDER BY c.rowid",
        (_NO_MEETING_SOURCE,)).fetchall()
    if not people or n <= 0:
        return 0
    rows = []
    for _ in range(n):
        contact_id, account_id = people[rng.randrange(len(people))]
        booked = now - timedelta(seconds=rng.randint(3600, 90 * 86400))
        day = booked + timedelta(days=rng.randint(1, 14))
        scheduled = day.replace(hour=rng.choice((14, 15, 16, 17, 19, 20)), minute=rng.choice((0, 30)),
                                second=0, microsecond=0)
        rescheduled_at = cancelled = held = no_show = accepted = rejected = None
        count = 0
        status, value = "booked", None
        if rng.random() < 0.15:  # moved once, a few days later
            rescheduled_at, count = booked + timedelta(hours=rng.randint(2, 48)), 1
            scheduled += timedelta(days=rng.randint(1, 5))
        if scheduled <= now:
            roll = rng.random()
            if roll < 0.07:
                status, cancelled = "cancelled", scheduled - timedelta(hours=rng.randint(2, 30))
            elif roll < 0.19:
                status, no_show = "no_show", scheduled + timedelta(minutes=15)
                if rng.random() < 0.3:  # rebooked and held a few days later
                    later = scheduled + timedelta(days=rng.randint(2, 6))
                    if later <= now:
                        status, held, count = "held", later, count + 1
                        rescheduled_at, scheduled = no_show, later
            else:
                status, held = "held", scheduled + timedelta(minutes=30)
            if held is not None and held + timedelta(days=1) <= now:
                verdict = rng.random()
                if verdict < 0.65:
                    status, accepted = "accepted", held + timedelta(days=1)
                    value = float(rng.choice((12, 18, 24, 36, 48, 60, 90)) * 1000)
                elif verdict < 0.85:
                    status, rejected = "rejected", held + timedelta(days=1)
        rows.append((
            _hex(rng), contact_id, account_id, _stamp(scheduled), 30, rng.choice(_AES), status,
            value, "USD", _stamp(booked), rescheduled_at and _stamp(rescheduled_at), count,
            cancelled and _stamp(cancelled), held and _stamp(held), no_show and _stamp(no_show),
            accepted and _stamp(accepted), rejected and _stamp(rejected), _stamp(booked),
            _stamp(max(booked, accepted or rejected or held or booked)),
        ))
    conn.executemany(
        "INSERT INTO meetings (id, contact_id, account_id, scheduled_at, duration_minutes,"
        " ae_name, status, opportunity_value, currency, booked_at, rescheduled_at,"
        " reschedule_count, cancelled_at, held_at, no_show_at, accepted_at, rejected_at,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def write_book(path: Path, size: BookSize, *, seed: int = 7, now: datetime | None = None,
               progress: ProgressFn | None = None) -> None:
    BookGenerator(seed=seed, now=now).write(path, size, progress)


def generated_summary(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("accounts", "contacts", "contact_phones", "activities", "tasks")
        }
    finally:
        conn.close()


__all__ = ["DEMO_SIZE", "BookGenerator", "BookSize", "generated_summary", "write_book", "write_meetings"]
