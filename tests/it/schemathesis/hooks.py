"""schemathesis hooks of qala's run (tests/it/schemathesis.rs, schemathesis.toml beside this file).

The two API documents say what each parameter and body accepts, as closely as JSON Schema can. A few of
qala's refusals depend on what JSON Schema cannot compare: two parameters together, two numbers of one
value, or the data (the city's outline, the ids that exist). schemathesis, generating from the schema
alone, sends such requests as "valid" and reports the 400 or 422 as ST202 (schema-valid request rejected).

`filter_failure` below drops exactly those ST202s: the answer's status must be the rule's, and EVERY entry of
the problem's `errors` (qala names each bad parameter or JSON pointer, all at once) must match a rule of the
operation, so an answer that also refuses anything else still fails the run. Each rule says why no schema
can state it. Status-level exceptions (412 for a stale If-Match) are in schemathesis.toml.
"""

import json
import os
from dataclasses import dataclass
from typing import Callable, Optional

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

# The listings that take `near` (and so a cursor of either kind).
NEAR = {"listPins", "areaPins", "searchPins"}


@dataclass(frozen=True)
class Rule:
    why: str
    status: int
    # A query parameter ("parameter") or a body member ("pointer"), by its name.
    where: str
    names: tuple
    # Phrases of the detail, one of which must be in it (any detail when empty).
    phrases: tuple = ()
    # The operations it covers; None: every operation that documents the parameter.
    operations: Optional[frozenset] = None
    # A further test of the request.
    when: Optional[Callable] = None


def _cursor_of_the_other_kind(case):
    cursor = str((case.query or {}).get("cursor", ""))
    return ("near" in (case.query or {})) == (":" not in cursor)


RULES = [
    Rule("an interval's start after its end: a pattern cannot compare its two instants",
         400, "parameter", ("datetime",), ("the start is after the end",)),
    Rule("a box's minimum above its maximum: JSON Schema cannot compare two items of an array",
         400, "parameter", ("bbox",), ("is greater than",)),
    Rule("OGC bbox: its numbers' ranges depend on bbox-crs (degrees in CRS84 and EPSG:4326, lat first in "
         "EPSG:4326, metres a projected CRS may not convert), and a schema cannot depend on another parameter",
         400, "parameter", ("bbox",), ("is outside -", "cannot be converted from"),
         frozenset({"getPins", "getAreas"})),
    Rule("near needs radius_m or k (an unbounded distance order would sort every pin): a dependency between "
         "parameters", 400, "parameter", ("near",), ("needs radius_m",), frozenset(NEAR)),
    Rule("radius_m and k only with near: a dependency between parameters",
         400, "parameter", ("radius_m", "k"), ("is only meaningful with near",), frozenset(NEAR)),
    Rule("a distance cursor (distance:id) is only for a near listing and an id cursor only for the others: "
         "which one a request takes depends on another parameter",
         400, "parameter", ("cursor",), ("is not a valid cursor",), frozenset(NEAR), _cursor_of_the_other_kind),
    Rule("OGC before and cursor are the prev and next links' tokens, one at a time: parameters that exclude "
         "each other", 400, "parameter", ("before",), ("cannot be combined with cursor",),
         frozenset({"getPins"})),
    Rule("versions are numbered per kind, so version needs kind: a dependency between parameters",
         400, "parameter", ("version",), ("needs kind",), frozenset({"exportAreas"})),
    Rule("CQL2 text is a grammar (and its names the queryables), which no pattern can hold",
         400, "parameter", ("filter",), (), frozenset({"exportPins", "getPins"})),
    Rule("a report's point must lie inside the city's boundary polygon; the schema bounds it by the "
         "boundary's bounding box only", 422, "pointer", ("/geometry/coordinates",), ("is outside",),
         frozenset({"createPin"})),
    Rule("an Idempotency-Key already used for another report: the keys used are data, not schema",
         422, "parameter", ("Idempotency-Key",), ("was already used for a different report",),
         frozenset({"createPin"})),
    Rule("a search outline's rings must be closed and form a valid polygon (no self-intersection, three "
         "distinct points): geometry JSON Schema cannot check",
         422, "pointer", ("/coordinates", "/geometry/coordinates"), ("is not closed", "is not a valid polygon"),
         frozenset({"searchPins"})),
    Rule("duplicate_of must name another public pin that is not itself a duplicate: the pins are data",
         422, "pointer", ("/duplicate_of",), ("must be another public pin",), frozenset({"updatePin"})),
    Rule("an area file is bytes the schema cannot describe (a GeoJSON, zipped Shapefile or GeoPackage of "
         "polygons inside Almaty), nor so its CRS and its attributes",
         422, "parameter", ("file", "crs", "name_field"), (), frozenset({"importAreas"})),
]


# The area upload's file part may be sent as any of the types the document lists; schemathesis serializes
# only those it knows, so the two binary ones are sent as it sends application/octet-stream.
schemathesis.serializer.alias(["application/zip", "application/geopackage+sqlite3"], "application/octet-stream")


def _operation_id(case):
    return (case.operation.definition.raw or {}).get("operationId", "")


def _documents(case, name):
    return any(p.name == name for p in case.operation.iter_parameters())


def _excused(rule, case, entry):
    name = entry.get(rule.where)
    if name not in rule.names:
        return False
    if rule.phrases and not any(p in entry.get("detail", "") for p in rule.phrases):
        return False
    if rule.operations is None:
        if not _documents(case, name):
            return False
    elif _operation_id(case) not in rule.operations:
        return False
    return rule.when is None or rule.when(case)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keep every failure but an ST202 whose problem names only refusals of the rules above."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        problem = json.loads(response.content)
    except ValueError:
        return True
    errors = problem.get("errors") if isinstance(problem, dict) else None
    if not errors:
        return True
    excused = []
    for entry in errors:
        rule = next((r for r in RULES if r.status == response.status_code and _excused(r, case, entry)), None)
        if rule is None:
            return True
        excused.append({"operation": _operation_id(case), "status": response.status_code, "rule": rule.why,
                        "entry": entry})
    # What was excused, one JSON line each, for the test to count and show (QALA_SCHEMATHESIS_EXCUSED).
    log = os.environ.get("QALA_SCHEMATHESIS_EXCUSED")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            for line in excused:
                out.write(json.dumps(line) + "\n")
    return False
