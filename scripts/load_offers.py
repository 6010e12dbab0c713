#!/usr/bin/env python3
"""Multiplies the demo's published offers up to COUNT, for the load script.

Each copy is a new unit (its reference suffixed) with a new published offer, in a commune drawn
from the units of the demo, so that the catalogue's filters and counts stay meaningful. Run on a
stopped server's SQLite database: the server rebuilds its search index from it at start.

Usage: load_offers.py DATABASE COUNT
"""
import random
import sqlite3
import sys


def columns(db, table):
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def main(path, count):
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    rng = random.Random(2026)
    unit_cols = [c for c in columns(db, "units") if c != "id"]
    offer_cols = [c for c in columns(db, "offers") if c != "id"]
    offers = db.execute(
        "SELECT o.id, o.unit_id FROM offers o WHERE o.status = 'published'"
    ).fetchall()
    if not offers:
        sys.exit("no published offer to copy: load the demo first")
    places = db.execute(
        "SELECT DISTINCT commune_insee, epci_siren FROM units"
    ).fetchall()
    have = len(offers)
    unit_select = ", ".join(
        {"reference": "reference || ?", "commune_insee": "?", "epci_siren": "?"}.get(c, c)
        for c in unit_cols
    )
    offer_select = ", ".join("?" if c == "unit_id" else c for c in offer_cols)
    made = 0
    with db:
        while have + made < count:
            offer_id, unit_id = offers[made % len(offers)]
            commune, epci = places[rng.randrange(len(places))]
            params = []
            for c in unit_cols:
                if c == "reference":
                    params.append(f"-x{made}")
                elif c == "commune_insee":
                    params.append(commune)
                elif c == "epci_siren":
                    params.append(epci)
            new_unit = db.execute(
                f"INSERT INTO units ({', '.join(unit_cols)}) SELECT {unit_select} FROM units WHERE id = ?",
                (*params, unit_id),
            ).lastrowid
            db.execute(
                f"INSERT INTO offers ({', '.join(offer_cols)}) SELECT {offer_select} FROM offers WHERE id = ?",
                (new_unit, offer_id),
            )
            made += 1
            if made % 10_000 == 0:
                print(f"  {have + made} offers", flush=True)
    print(f"{have + made} published offers ({made} copies of the demo's {have})")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
