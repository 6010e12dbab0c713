"""Turns the JSON files of @etalab/decoupage-administratif into the compact, tab-separated
reference files the server embeds (app/reference/*.tsv).

Kept: current communes and the municipal arrondissements of Paris, Lyon and Marseille (each
pointing to its commune); every EPCI with its members; départements and régions. Communes
déléguées and associées are left out: a unit's address belongs to the current commune.
"""
import json
import sys
from pathlib import Path

package, version, published, out = sys.argv[1:5]
data = Path(package) / "data"
out = Path(out)
out.mkdir(parents=True, exist_ok=True)
header = f"# source: @etalab/decoupage-administratif {version} (npm, published {published})\n"


def load(name):
    with open(data / name, encoding="utf-8") as f:
        return json.load(f)


def clean(text):
    if "\t" in text or "\n" in text:
        raise SystemExit(f"unexpected separator in {text!r}")
    return text


epcis = load("epci.json")
epci_of = {}
for e in epcis:
    for m in e["membres"]:
        if m["code"] in epci_of:
            raise SystemExit(f"commune {m['code']} in two EPCIs")
        epci_of[m["code"]] = e["code"]

communes = [c for c in load("communes.json")
            if c["type"] in ("commune-actuelle", "arrondissement-municipal")]
communes.sort(key=lambda c: c["code"])
with open(out / "communes.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write(header)
    f.write("# insee\tname\tpostcodes\tdepartement\tregion\tzone\tepci\tparent\tpopulation\n")
    for c in communes:
        parent = c.get("commune", "") if c["type"] == "arrondissement-municipal" else ""
        epci = epci_of.get(parent or c["code"], "")
        f.write("\t".join([
            c["code"], clean(c["nom"]), " ".join(c.get("codesPostaux", [])),
            c.get("departement", ""), c.get("region", ""), c["zone"], epci, parent,
            str(c.get("population", 0)),
        ]) + "\n")

with open(out / "epcis.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write(header)
    f.write("# siren\tname\tkind\n")
    for e in sorted(epcis, key=lambda e: e["code"]):
        f.write(f"{e['code']}\t{clean(e['nom'])}\t{e['type']}\n")

with open(out / "departements.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write(header)
    f.write("# code\tname\tregion\n")
    for d in sorted(load("departements.json"), key=lambda d: d["code"]):
        f.write(f"{d['code']}\t{clean(d['nom'])}\t{d['region']}\n")

with open(out / "regions.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write(header)
    f.write("# code\tname\n")
    for r in sorted(load("regions.json"), key=lambda r: r["code"]):
        f.write(f"{r['code']}\t{clean(r['nom'])}\n")

print(f"{len(communes)} communes and arrondissements, {len(epcis)} EPCI written to {out}")
