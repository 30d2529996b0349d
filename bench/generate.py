"""Generate a national-scale directory and calendar on PostgreSQL for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench \
        .venv/bin/python bench/generate.py --practitioners 100000 --slots 5000000

Replaces every directory and calendar row in that database (never point it at real data).
Facilities sit around real US ZIP-code centroids and French cities; slots are in the next 4 weeks,
a share of them (``--booked-share``) booked by ``--members`` synthetic members.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")

import django

django.setup()

import zipcodes  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from indigomed.demo import catalogue as c  # noqa: E402
from indigomed.directory.french import shipped_names  # noqa: E402
from indigomed.directory.geo import locate_postal_code  # noqa: E402
from indigomed.search.names import terms_of  # noqa: E402

TABLES = [
    "search_nameterm",
    "scheduling_appointment",
    "scheduling_slot",
    "scheduling_availabilityexception",
    "scheduling_availabilityrule",
    "scheduling_visittype",
    "directory_facilitystaff",
    "directory_practitionerrole",
    "directory_practitioner_plans",
    "directory_practitioner_languages",
    "directory_practitioner_specialties",
    "directory_practitioner",
    "directory_facility_plans",
    "directory_facility",
    "directory_insuranceplan",
    "directory_insurancecarrier",
    "directory_language",
    "directory_visitreason",
    "directory_specialty",
]


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)


def copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--slots", type=int, default=5_000_000)
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--booked-share", type=float, default=0.2)
    parser.add_argument("--members", type=int, default=100_000, help="the members holding the booked share")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmarks measure the production database.")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    log("migrated and emptied", started)

    spec_ids, plan_ids_us, plan_ids_fr, lang_ids = [], [], [], []
    french = shipped_names()  # the French names a migration gives an existing database
    with connection.cursor() as cursor:
        for slug, (name, reasons) in c.SPECIALTIES.items():
            cursor.execute(
                "INSERT INTO directory_specialty (slug, name, name_fr) VALUES (%s, %s, %s) RETURNING id",
                [slug, name, french.get(("specialty", slug), "")],
            )
            spec_id = cursor.fetchone()[0]
            spec_ids.append(spec_id)
            tags = json.dumps(c.SENSITIVE_SPECIALTIES.get(slug, []))
            for reason in reasons:
                cursor.execute(
                    "INSERT INTO directory_visitreason (slug, name, name_fr, specialty_id, tags) "
                    "VALUES (%s, %s, %s, %s, %s::jsonb)",
                    [slugify(reason), reason, french.get(("reason", slugify(reason)), ""), spec_id, tags],
                )
        for code, name in c.LANGUAGES.items():
            cursor.execute(
                "INSERT INTO directory_language (code, name, name_fr) VALUES (%s, %s, %s) RETURNING id",
                [code, name, french.get(("language", code), "")],
            )
            lang_ids.append(cursor.fetchone()[0])
        for slug, (name, country, plans) in c.CARRIERS.items():
            cursor.execute(
                "INSERT INTO directory_insurancecarrier (slug, name, country) VALUES (%s, %s, %s) RETURNING id",
                [slug, name, country],
            )
            carrier_id = cursor.fetchone()[0]
            for plan in plans:
                cursor.execute(
                    "INSERT INTO directory_insuranceplan (slug, name, carrier_id) VALUES (%s, %s, %s) RETURNING id",
                    [f"{slug}-{slugify(plan)}", plan, carrier_id],
                )
                (plan_ids_us if country == "US" else plan_ids_fr).append(cursor.fetchone()[0])

    us_zips = [z for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD" and z["lat"] and z["timezone"]]
    rng.shuffle(us_zips)
    fr_places = [p for p in c.PLACES if p[1] == "FR"]
    facilities = []
    for i in range(args.facilities):
        if i % 20 == 0:
            postal, country, city, region, zone = fr_places[i % len(fr_places)]
            point = locate_postal_code(postal, "FR").point
            lat, lng = point.latitude, point.longitude
        else:
            z = us_zips[i % len(us_zips)]
            postal, country, city, region, zone = z["zip_code"], "US", z["city"], z["state"], z["timezone"]
            lat, lng = float(z["lat"]), float(z["long"])
        facilities.append(
            (
                f"bench-facility-{i}",
                f"Facility {i}",
                "clinic",
                f"{i} Bench Street",
                city,
                region,
                postal,
                country,
                lat + rng.uniform(-0.02, 0.02),
                lng + rng.uniform(-0.02, 0.02),
                zone,
                "",
                None,
                "",
            )
        )
    copy_rows(
        "directory_facility",
        [
            "slug",
            "name",
            "kind",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "timezone",
            "phone",
            "cancel_cutoff_hours",
            "reminder_offsets",
        ],
        facilities,
    )
    log(f"{args.facilities} facilities", started)

    genders = ["female", "male", "nonbinary"]
    people = [
        (rng.choice(c.GIVEN_NAMES["female"] + c.GIVEN_NAMES["male"]), rng.choice(c.FAMILY_NAMES))
        for _ in range(args.practitioners)
    ]
    copy_rows(
        "directory_practitioner",
        ["slug", "title", "given_name", "family_name", "gender", "bio", "rating_count"],
        (
            (
                f"bench-practitioner-{i}",
                "Dr.",
                given,
                family,
                genders[0 if i % 2 else 1] if i % 50 else genders[2],
                "",
                0,
            )
            for i, (given, family) in enumerate(people)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM directory_practitioner")
        first_p = cursor.fetchone()[0]
        cursor.execute("SELECT id, country FROM directory_facility ORDER BY id")
        facility_rows = cursor.fetchall()
    practitioner_ids = range(first_p, first_p + args.practitioners)
    # COPY bypasses save(), which keeps the name index: write the index's rows the same way.
    copy_rows(
        "search_nameterm",
        ["practitioner_id", "term"],
        terms_of((p, given, family) for p, (given, family) in zip(practitioner_ids, people, strict=True)),
    )
    copy_rows(
        "directory_practitioner_specialties",
        ["practitioner_id", "specialty_id"],
        ((p, spec_ids[(p * 7) % len(spec_ids)]) for p in practitioner_ids),
    )
    copy_rows(
        "directory_practitioner_languages",
        ["practitioner_id", "language_id"],
        ((p, lang) for p in practitioner_ids for lang in {lang_ids[0], lang_ids[(p * 13) % len(lang_ids)]}),
    )
    role_facility = [facility_rows[(p * 31) % len(facility_rows)] for p in practitioner_ids]

    def plans_of(practitioner: int, country: str) -> set[int]:
        plans = plan_ids_us if country == "US" else plan_ids_fr
        return {plans[(practitioner * k) % len(plans)] for k in (3, 5)}

    copy_rows(
        "directory_practitioner_plans",
        ["practitioner_id", "insuranceplan_id"],
        (
            (p, plan)
            for p, (_, country) in zip(practitioner_ids, role_facility, strict=True)
            for plan in plans_of(p, country)
        ),
    )
    copy_rows(
        "directory_practitionerrole",
        ["practitioner_id", "facility_id", "accepting_new_patients", "is_active"],
        ((p, f, True, True) for p, (f, _) in zip(practitioner_ids, role_facility, strict=True)),
    )
    log(f"{args.practitioners} practitioners with specialties, languages, plans and a role each", started)

    per_role = max(1, args.slots // args.practitioners)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scheduling_visittype (role_id, name, duration_minutes, is_remote, patients, is_active) "
            "SELECT id, 'Consultation', 30, false, 'any', true FROM directory_practitionerrole"
        )
        # Ten half-hour slots a day from 14:00 UTC, on days spread over the next four weeks.
        cursor.execute(
            """
            INSERT INTO scheduling_slot (role_id, visit_type_id, starts_at, ends_at, is_open)
            SELECT vt.role_id, vt.id, t.start, t.start + interval '30 minutes', random() >= %s
            FROM scheduling_visittype vt
            CROSS JOIN generate_series(0, %s - 1) AS g
            CROSS JOIN LATERAL (
                SELECT date_trunc('day', now()) + interval '14 hours'
                       + ((1 + (g / 10) * 5 + vt.role_id %% 5) %% 28 + 1) * interval '1 day'
                       + (g %% 10) * interval '30 minutes' AS start
            ) AS t
            """,
            [args.booked_share, per_role],
        )
        log(f"{per_role * args.practitioners} slots", started)
        # The slots generated taken are booked, each by one of many members (a member's visits
        # are whole days apart), as a national platform's upcoming visits are: each booking's
        # reads of the appointments are planned on a table of that size, not an empty one.
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, public_id, email, display_name,
                                       is_active, is_staff, date_joined)
            SELECT '!', false, gen_random_uuid(), 'upcoming-' || i || '@bench.indigomed.test', '',
                   true, false, now()
            FROM generate_series(1, %s) AS i
            ON CONFLICT (email) DO NOTHING
            """,
            [args.members],
        )
        cursor.execute(
            """
            WITH members AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
                WHERE email LIKE 'upcoming-%%@bench.indigomed.test' ORDER BY id LIMIT %s
            ), taken AS (
                SELECT id, role_id, visit_type_id, starts_at, ends_at,
                       row_number() OVER (ORDER BY starts_at, id) - 1 AS n
                FROM scheduling_slot WHERE NOT is_open
            )
            INSERT INTO scheduling_appointment (public_id, member_id, slot_id, role_id, visit_type_id,
                starts_at, ends_at, status, booked_at, status_changed_at)
            SELECT gen_random_uuid(), m.id, t.id, t.role_id, t.visit_type_id, t.starts_at, t.ends_at,
                   'booked', now(), now()
            FROM taken t JOIN members m ON m.n = t.n %% %s
            """,
            [args.members, args.members],
        )
        log(f"{cursor.rowcount} of them booked by {args.members} members", started)
        cursor.execute(
            """
            UPDATE directory_practitionerrole r SET next_open_at = s.first
            FROM (SELECT role_id, min(starts_at) AS first FROM scheduling_slot
                  WHERE is_open AND starts_at > now() GROUP BY role_id) s
            WHERE s.role_id = r.id
            """
        )
        cursor.execute("VACUUM ANALYZE") if connection.connection.autocommit else cursor.execute("ANALYZE")
    log("next open times set, statistics gathered", started)


if __name__ == "__main__":
    main()
