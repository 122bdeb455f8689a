"""The conformance report: a table of every case and a summary line."""
import collections


def print_report(title, results):
    """results: [(case id, description, verdict, note)]. Returns True when nothing FAILED."""
    print(f"\n{title}\n")
    print("| case | description | verdict | note |")
    print("|---|---|---|---|")
    for case_id, description, verdict, note in results:
        print(f"| {case_id} | {description} | {verdict} | {note} |")
    print("\n| family | cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED |")
    print("|---|---|---|---|---|---|---|")
    families = collections.OrderedDict()
    for case_id, _, verdict, _ in results:
        families.setdefault(case_id.split(".")[0], collections.Counter())[verdict] += 1
    for family, tally in families.items():
        cells = " | ".join(str(tally[v]) for v in ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"))
        print(f"| {family}.x | {sum(tally.values())} | {cells} |")
    counts = collections.Counter(verdict for _, _, verdict, _ in results)
    summary = ", ".join(f"{counts[v]} {v}" for v in ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"))
    print(f"\n{title}: {len(results)} cases: {summary}")
    return counts["FAILED"] == 0
