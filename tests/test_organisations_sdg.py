"""Organisations, responsibility links and UN SDG links: sources, rules, the KOS, the goals_by_sdg query and the shapes.

Self-contained: parses ontology/ and data/ (with the base IRI as publicID) and the shapes of this part
(shapes/organisations.*.ttl, shapes/links.*.ttl) with rdflib, and runs pySHACL and the query directly.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kommunmal.validation import parse_shapes

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kommunmal/"
KM = Namespace(BASE + "def/kommunmal#")
KMS = BASE + "def/kommunmal/shapes#"
ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCT = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
SDG = "http://metadata.un.org/sdg/"
ID = BASE + "id/ostersund/"
GOAL = Namespace(ID + "budget-2024/goal/")
ACTION = Namespace(ID + "budget-2024/action/")
OSTORG = Namespace(ID + "org/")
MUNICIPALITY = URIRef(ID[:-1])
ORG_CLASSES = (ORG.Organization, ORG.FormalOrganization, ORG.OrganizationalUnit, CV.PublicOrganisation)
MY_SHAPES = (
    "organisations.required.ttl",
    "organisations.recommended.ttl",
    "links.required.ttl",
    "links.recommended.ttl",
)
EXAMPLES = ROOT / "shapes" / "examples"


def _parse(paths, into: Graph | None = None) -> Graph:
    g = into if into is not None else Graph()
    for path in paths:
        g.parse(path, format="turtle", publicID=BASE)
    return g


def _data_files() -> list[Path]:
    return sorted(p for p in (ROOT / "data").rglob("*.ttl") if "examples" not in p.parts)


@cache
def graph() -> Graph:
    """Everything under ontology/ and data/ (the UN SDG KOS and the Swedish titles included)."""
    return _parse(sorted((ROOT / "ontology").glob("*.ttl")) + _data_files())


@cache
def kos() -> Graph:
    return _parse(sorted((ROOT / "data" / "reference" / "sdg").glob("*.ttl")))


@cache
def own(name: str) -> Graph:
    return _parse([ROOT / name])


@cache
def shapes() -> Graph:
    return parse_shapes((ROOT / "shapes" / name for name in MY_SHAPES), BASE)


def sv(g: Graph, s, p) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "sv"]


def en(g: Graph, s, p) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


def organisations(g: Graph) -> set[URIRef]:
    return {s for c in ORG_CLASSES for s in g.subjects(RDF.type, c)}


def links(cls) -> list[URIRef]:
    return sorted(graph().subjects(RDF.type, cls))


def place_text(g: Graph, statement) -> str:
    para = g.value(statement, KM.inParagraph)
    if para is not None:
        return str(g.value(para, KM.text))
    return str(g.value(g.value(statement, KM.inGoalStatement), KM.statement))


def goals() -> set[URIRef]:
    """The goals of the 2024 document, the one whose SDG links and responsible bodies are modelled."""
    return {g for g in graph().subjects(RDF.type, KM.Goal) if "/id/ostersund/budget-2024/" in str(g)}


def actions() -> set[URIRef]:
    g = own("data/ostersund/2024/actions.ttl")
    return set(g.subjects(RDF.type, KM.Action))


#################################################################
# Vocabulary additions
#################################################################


def test_every_added_term_is_documented_in_swedish_and_english() -> None:
    g = own("ontology/organisations.ttl")
    terms = {s for s in g.subjects(RDFS.isDefinedBy, None)}
    assert len(terms) >= 11
    for t in terms:
        labels = list(g.objects(t, RDFS.label)) + list(g.objects(t, SKOS.prefLabel))
        assert {"sv", "en"} <= {lab.language for lab in labels}, t
        assert sv(g, t, SKOS.definition) and en(g, t, SKOS.definition), t
        assert (t, RDFS.isDefinedBy, URIRef(BASE + "def/kommunmal")) in g


def test_organisation_kinds_form_a_scheme() -> None:
    g = graph()
    kinds = set(g.subjects(RDF.type, KM.OrganisationKind))
    expected = {KM.kommun, KM.fullmaktige, KM.styrelse, KM.utskott, KM.namnd, KM.bolag, KM.kommunalforbund}
    assert expected <= kinds
    for k in kinds:
        assert (k, SKOS.inScheme, KM.OrganisationKindScheme) in g
        assert (KM.OrganisationKindScheme, SKOS.hasTopConcept, k) in g


#################################################################
# Organisations
#################################################################


def test_every_organisation_has_name_kind_source_and_status() -> None:
    g = graph()
    orgs = organisations(own("data/ostersund/organisations.ttl"))
    assert len(orgs) >= 20
    for o in orgs:
        assert len(sv(g, o, SKOS.prefLabel)) == 1, o
        kind = g.value(o, ORG.classification)
        assert (kind, RDF.type, KM.OrganisationKind) in g, o
        assert list(g.objects(o, DCT.source)), o
        assert all(str(s).startswith(("https://", "http://")) for s in g.objects(o, DCT.source)), o
        status = g.value(o, KM.verificationStatus)
        assert status in (KM.verified, KM.unverified), o
        if status == KM.unverified:
            assert sv(g, o, SKOS.editorialNote) and en(g, o, SKOS.editorialNote), o


def test_the_municipality_and_its_identifiers() -> None:
    g = graph()
    m = MUNICIPALITY
    assert {(m, RDF.type, CV.PublicOrganisation), (m, RDF.type, ORG.FormalOrganization)} <= set(
        g.triples((m, RDF.type, None))
    )
    assert sv(g, m, SKOS.prefLabel) == ["Östersunds kommun"]
    assert Literal("2380", datatype=KM.Kommunkod) in set(g.objects(m, SKOS.notation))
    ids = {str(i) for i in g.objects(m, DCT.identifier)}
    assert ids == {"2380", "212000-2528"}
    by_code = {str(g.value(i, SKOS.notation)): i for i in g.objects(m, ADMS.identifier)}
    assert set(by_code) == {"2380", "212000-2528"}
    for ident in by_code.values():
        assert list(g.objects(ident, DCT.source))
    note = " ".join(sv(g, by_code["212000-2528"], SKOS.editorialNote))
    assert "Wikipedia" in note and "primärt register" in note


def test_committees_are_units_of_the_municipality_and_companies_sub_organisations() -> None:
    g = graph()
    for unit in g.subjects(RDF.type, ORG.OrganizationalUnit):
        assert (unit, ORG.unitOf, MUNICIPALITY) in g, unit
    for name in (
        "barn-och-utbildningsnamnden",
        "vard-och-omsorgsnamnden",
        "tekniska-namnden",
        "miljo-och-samhallsnamnden",
        "kultur-och-fritidsnamnden",
        "valnamnden",
        "krisledningsnamnden",
    ):
        assert (OSTORG[name], ORG.classification, KM.namnd) in g, name
    for utskott in ("finans-och-fastighetsutskottet", "utvecklingsutskottet"):
        assert (OSTORG[utskott], ORG.subOrganizationOf, OSTORG.kommunstyrelsen) in g
    assert (OSTORG["ostersunds-radhus-ab"], ORG.subOrganizationOf, MUNICIPALITY) in g
    assert (OSTORG["jamtkraft-ab"], ORG.subOrganizationOf, OSTORG["ostersunds-radhus-ab"]) in g
    assert float(g.value(OSTORG["jamtkraft-ab"], KM.ownershipShare)) == 98.0
    assert (OSTORG["ostersundshem"], ORG.subOrganizationOf, OSTORG["ostersunds-radhus-ab"]) in g
    # Not shown to be owned by the municipality: no sub-organisation link, and marked unverified.
    assert g.value(OSTORG["destination-ostersund"], ORG.subOrganizationOf) is None
    assert g.value(OSTORG["destination-ostersund"], KM.verificationStatus) == KM.unverified
    assert (OSTORG["jamtlands-gymnasieforbund"], ORG.classification, KM.kommunalforbund) in g
    assert (MUNICIPALITY, ORG.memberOf, OSTORG["jamtlands-gymnasieforbund"]) in g


#################################################################
# SDG links
#################################################################


def test_every_sdg_link_has_one_subject_object_basis_evidence_and_source() -> None:
    g = graph()
    all_links = links(KM.SdgLink)
    assert len(all_links) >= 150
    for link in all_links:
        assert len(list(g.objects(link, KM.subject))) == 1, link
        assert len(list(g.objects(link, KM.object))) == 1, link
        basis = list(g.objects(link, KM.basis))
        assert basis in ([KM.stated], [KM.inferred]), link
        if basis == [KM.inferred]:
            assert sv(g, link, KM.rule) and en(g, link, KM.rule), link
        statements = list(g.objects(link, KM.evidence))
        assert statements, link
        for st in statements:
            assert (st, RDF.type, KM.Statement) in g
            (quote,) = sv(g, st, KM.quote)
            assert quote in place_text(g, st), (link, quote)
        assert list(g.objects(link, DCT.source)), link


def test_every_sdg_object_exists_in_the_kos() -> None:
    g, k = graph(), kos()
    for link in links(KM.SdgLink):
        obj = g.value(link, KM.object)
        assert str(obj).startswith(SDG), obj
        assert (obj, RDF.type, SDGO.Target) in k or (obj, RDF.type, SDGO.Goal) in k, obj


def test_short_forms_and_qualified_links_match() -> None:
    g = graph()
    for cls, short in ((KM.SdgLink, KM.contributesTo), (KM.Responsibility, KM.responsible)):
        qualified = {(g.value(link, KM.subject), g.value(link, KM.object)) for link in links(cls)}
        shorts = set(g.subject_objects(short))
        assert qualified == shorts, cls


def test_every_goal_and_every_action_links_to_the_sdgs() -> None:
    g = graph()
    subjects = {g.value(link, KM.subject) for link in links(KM.SdgLink)}
    assert len(goals()) == 8
    assert goals() <= subjects
    assert len(actions()) >= 100
    assert actions() <= subjects, sorted(actions() - subjects)


def test_only_the_17_goals_are_stated_and_the_text_names_them() -> None:
    g = graph()
    stated = [link for link in links(KM.SdgLink) if g.value(link, KM.basis) == KM.stated]
    objects = {str(g.value(link, KM.object)) for link in stated}
    assert objects == {f"{SDG}{n}" for n in range(1, 18)}
    for link in stated:
        quotes = [sv(g, st, KM.quote)[0] for st in g.objects(link, KM.evidence)]
        assert any("FN:s 17 globala mål" in q for q in quotes)
    assert {g.value(link, KM.subject) for link in stated} == {GOAL["1.2"], ACTION["globala-malen-som-utgangspunkt"]}


def test_inferred_links_name_targets_and_leave_the_goal_to_skos_broader() -> None:
    """The chosen rule: an inferred link names the target; its SDG goal is not linked again from the same subject."""
    g, k = graph(), kos()
    by_subject: dict = {}
    for link in links(KM.SdgLink):
        by_subject.setdefault(g.value(link, KM.subject), []).append(link)
    for subject, ls in by_subject.items():
        inferred_objects = {g.value(link, KM.object) for link in ls if g.value(link, KM.basis) == KM.inferred}
        for obj in inferred_objects:
            if (obj, RDF.type, SDGO.Goal) in k:
                # a goal only where no target fits, and the rule says so
                (link,) = [lk for lk in ls if g.value(lk, KM.object) == obj]
                assert "inget" in " ".join(sv(g, link, KM.rule)).lower(), link
                assert not any((t, SKOS.broader, obj) in k for t in inferred_objects), subject


def test_the_example_rule_for_mens_violence_against_women() -> None:
    g = graph()
    link = URIRef(ID + "budget-2024/link/sdg--motverka-mans-vald-mot-kvinnor--5.2")
    assert g.value(link, KM.object) == URIRef(SDG + "5.2")
    rule = sv(g, link, KM.rule)[0]
    assert rule.startswith("Meningen om att motverka mäns våld mot kvinnor motsvarar delmål 5.2")


#################################################################
# The goals_by_sdg query
#################################################################


def _query_text() -> str:
    return f"PREFIX km: <{KM}>\n" + (ROOT / "src" / "kommunmal" / "queries" / "goals_by_sdg.rq").read_text(
        encoding="utf-8"
    )


def _goals_serving_by_traversal(sdg_goal: URIRef) -> set[URIRef]:
    """Independently of the query: walk the SdgLink nodes in Python and climb the KOS hierarchy by hand."""
    g, k = graph(), kos()
    found = set()
    for link in links(KM.SdgLink):
        obj = g.value(link, KM.object)
        if obj != sdg_goal and sdg_goal not in set(k.objects(obj, SDGO.isTargetOf)):
            continue
        subject = g.value(link, KM.subject)
        if (subject, RDF.type, KM.Goal) in g:
            found.add(subject)
        found |= {goal for goal in g.objects(subject, KM.serves) if (goal, RDF.type, KM.Goal) in g}
    return found


def test_goals_by_sdg_for_sdg_11_matches_the_links() -> None:
    g = graph()
    sdg11 = URIRef(SDG + "11")
    rows = list(g.query(_query_text(), initBindings={"sdgGoal": sdg11}))
    assert rows
    from_query = {row.goal for row in rows}
    assert from_query == _goals_serving_by_traversal(sdg11)
    # Checked by hand: 1.5 Infrastruktur serves 11.a in its goal statement (stad och landsbygd),
    # 1.4 Näringsliv och tillväxt serves 11.2 through Östersundslänken, 1.7 Utbildning serves only 11.a, through the
    # assessment of the rural schools (a contextual link).
    by_goal = {}
    for row in rows:
        by_goal.setdefault(str(row.goalNotation), set()).add((str(row.targetNotation), row.via))
    assert ("11.a", None) in by_goal["1.5"]
    assert ("11.2", ACTION["utveckla-stadskarnan"]) in by_goal["1.4"]
    assert by_goal["1.7"] == {("11.a", ACTION["landsbygdsskolornas-betydelse"])}
    for row in rows:
        assert row.basis in (KM.stated, KM.inferred)
        assert row.evidence is not None
        assert row.goalLabel is not None and row.targetLabel is not None
        if row.basis == KM.inferred:
            assert row.rule is not None and row.rule.language == "sv"


def test_goals_by_sdg_can_be_bound_with_values() -> None:
    g = graph()
    text = _query_text() + "\nVALUES ?sdgGoal { <http://metadata.un.org/sdg/4> }"
    goals_4 = {str(row.goalNotation) for row in g.query(text)}
    assert "1.7" in goals_4
    assert goals_4 == {str(g.value(goal, SKOS.notation)) for goal in _goals_serving_by_traversal(URIRef(SDG + "4"))}


#################################################################
# Responsibility
#################################################################


def test_every_responsibility_has_its_source_and_its_rule_or_evidence() -> None:
    g = graph()
    resp = links(KM.Responsibility)
    assert len(resp) >= 100
    known = organisations(own("data/ostersund/organisations.ttl"))
    for link in resp:
        assert len(list(g.objects(link, KM.subject))) == 1
        subject = g.value(link, KM.subject)
        assert subject in goals() or subject in actions(), link
        obj = g.value(link, KM.object)
        assert obj in known, link
        basis = g.value(link, KM.basis)
        sources = {str(s) for s in g.objects(link, DCT.source)}
        assert sources, link
        if basis == KM.inferred:
            assert sv(g, link, KM.rule) and en(g, link, KM.rule), link
            assert any(s.startswith("http") and "w3id.org" not in s for s in sources), link  # the remit's page
        else:
            assert basis == KM.stated
            for st in g.objects(link, KM.evidence):
                assert sv(g, st, KM.quote)[0] in place_text(g, st), link
            assert list(g.objects(link, KM.evidence)), link
        if g.value(obj, KM.verificationStatus) == KM.unverified:
            assert g.value(link, KM.verificationStatus) == KM.unverified, link


def test_every_goal_has_a_responsible_body() -> None:
    g = graph()
    for goal in goals():
        assert list(g.objects(goal, KM.responsible)), goal


def test_the_bodies_the_text_names_are_stated() -> None:
    g = graph()

    def stated(subject, obj) -> bool:
        return any(
            g.value(link, KM.basis) == KM.stated and g.value(link, KM.object) == obj
            for link in g.subjects(KM.subject, subject)
            if (link, RDF.type, KM.Responsibility) in g
        )

    for nämnd in (
        "barn-och-utbildningsnamnden",
        "vard-och-omsorgsnamnden",
        "tekniska-namnden",
        "miljo-och-samhallsnamnden",
    ):
        assert stated(ACTION["ekonomi-i-balans"], OSTORG[nämnd])
    for company in ("ostersunds-radhus-ab", "jamtkraft-ab", "ostersundshem"):
        assert stated(GOAL["1.2"], OSTORG[company])
    assert stated(GOAL["1.7"], OSTORG["jamtlands-gymnasieforbund"])
    assert stated(ACTION["socialtjanstens-forebyggande-samarbete"], OSTORG["social-och-arbetsmarknadsnamnden"])
    # Checked by hand: water supply is the technical services committee's, by remit.
    link = URIRef(ID + "budget-2024/link/resp--trygg-vattenforsorjning--tekniska-namnden")
    assert g.value(link, KM.basis) == KM.inferred
    assert "vatten- och avloppstaxan" in sv(g, link, KM.rule)[0]


def test_every_action_has_a_responsible_body_or_says_why_not() -> None:
    g = graph()
    for action in actions():
        has_body = (action, KM.responsible, None) in g
        why_not = [n for n in sv(g, action, SKOS.editorialNote) if n.startswith("Inget ansvarigt organ kan anges:")]
        assert has_body != bool(why_not), f"{action}: a responsible body or the reason there is none, not both"


def test_a_body_the_data_names_for_a_thing_is_used_for_it() -> None:
    """Östersundslänken is run by Tekniska nämnden (organisations.ttl, goal 1.5); the town-centre action names it."""
    g = graph()
    assert "Östersundslänken" in " ".join(sv(g, OSTORG["tekniska-namnden"], DCT.description))
    assert (ACTION["utveckla-stadskarnan"], KM.responsible, OSTORG["tekniska-namnden"]) in g
    assert (ACTION["gymnasieforbundets-betydelse"], KM.responsible, OSTORG["jamtlands-gymnasieforbund"]) in g


def test_every_inferred_sdg_link_is_graded_with_a_reason() -> None:
    g = graph()
    weights = {KM.direct: 1.0, KM.partial: 0.6, KM.contextual: 0.3}
    inferred = [link for link in links(KM.SdgLink) if g.value(link, KM.basis) == KM.inferred]
    assert len(inferred) >= 180
    for link in inferred:
        strength = g.value(link, KM.strength)
        assert strength in weights, link
        assert float(g.value(strength, KM.weight)) == weights[strength]
        reason = sv(g, link, KM.reason)
        assert len(reason) == 1 and len(reason[0]) > 30, link
    for link in links(KM.SdgLink):
        if g.value(link, KM.basis) == KM.stated:
            assert g.value(link, KM.strength) is None, "a stated link is direct by definition"


@pytest.mark.parametrize(
    ("subject", "wrong", "right"),
    [
        ("grundekonomin-for-kvalitet-och-tillvaxt", "1.5", "16.6"),  # 1.5: resilience of the poor to disasters
        ("trygg-vattenforsorjning", "6.3", "6.1"),  # drinking water, not wastewater and pollution
        ("attraktiv-arbetsmarknad", "10.7", "8.5"),  # 10.7: migration policy
        ("nojda-medarbetare", "8.5", "8.8"),  # the employees' working environment
    ],
)
def test_the_reviewed_sdg_links_are_fixed(subject: str, wrong: str, right: str) -> None:
    g = graph()
    objects = {str(o)[len(SDG) :] for o in g.objects(ACTION[subject], KM.contributesTo)}
    assert wrong not in objects and right in objects


#################################################################
# Swedish SDG titles
#################################################################


def test_swedish_titles_of_the_17_goals() -> None:
    g = own("data/reference/sdg-sv.ttl")
    verified = set()
    for n in range(1, 18):
        goal = URIRef(f"{SDG}{n}")
        assert len(sv(g, goal, SKOS.prefLabel)) == 1, n
        xl = g.value(goal, SKOSXL.prefLabel)
        assert str(g.value(xl, SKOSXL.literalForm)) == sv(g, goal, SKOS.prefLabel)[0]
        assert list(g.objects(xl, DCT.source))
        status = g.value(xl, KM.verificationStatus)
        assert status in (KM.verified, KM.unverified)
        if status == KM.verified:
            verified.add(n)
            assert any("regeringen.se" in str(s) for s in g.objects(xl, DCT.source))
        else:
            assert sv(g, xl, SKOS.editorialNote)
    assert verified == {3, 4, 6, 8, 16}
    assert sv(g, URIRef(SDG + "4"), SKOS.prefLabel) == ["God utbildning för alla"]
    assert sv(g, URIRef(SDG + "3"), SKOS.altLabel) == ["God hälsa och välbefinnande"]
    assert sv(g, URIRef(SDG + "6"), SKOS.altLabel) == ["Rent vatten och sanitet"]


#################################################################
# Shapes
#################################################################


def _validate(data: Graph) -> list[tuple[str, str, str]]:
    _c, report, _t = pyshacl.validate(data, shacl_graph=shapes(), inference="none", allow_warnings=True, advanced=True)
    return [
        (
            str(report.value(r, SH.sourceShape)),
            str(report.value(r, SH.resultSeverity)).rsplit("#")[-1],
            str(report.value(r, SH.focusNode)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def test_the_real_data_conforms_to_these_shapes() -> None:
    results = _validate(graph())
    violations = [r for r in results if r[1] == "Violation"]
    assert not violations, violations[:10]
    mine = set()
    for name in (
        "data/ostersund/organisations.ttl",
        "data/ostersund/2024/responsibility.ttl",
        "data/ostersund/2024/sdg-links.ttl",
        "data/reference/sdg-sv.ttl",
    ):
        mine |= {str(s) for s in own(name).subjects()}
    assert not [r for r in results if r[2] in mine], "warnings on this part's data"


@cache
def _example_base() -> Graph:
    """The vocabulary and, of the UN KOS, only what the shapes read (types, hierarchy): keeps pySHACL quick."""
    g = _parse(sorted((ROOT / "ontology").glob("*.ttl")))
    k = kos()
    for p in (RDF.type, SKOS.broader, SDGO.isTargetOf):
        for t in k.triples((None, p, None)):
            g.add(t)
    return g


def _example_results(path: Path) -> list[tuple[str, str, str]]:
    g = Graph()
    g += _example_base()
    _parse([path], g)
    return _validate(g)


def _my_examples(kind: str) -> list[Path]:
    return sorted(p for p in (EXAMPLES / kind).glob("*.ttl") if p.name.startswith(("org-", "link-")))


@pytest.mark.parametrize("path", _my_examples("valid"), ids=lambda p: p.name)
def test_valid_example_conforms(path: Path) -> None:
    assert _example_results(path) == []


@pytest.mark.parametrize("path", _my_examples("invalid"), ids=lambda p: p.name)
def test_invalid_example_fails_on_its_shape(path: Path) -> None:
    expect = re.search(r"^# expect: kms:(\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    hit = {r[0] for r in _example_results(path)}
    assert KMS + expect in hit, hit


def test_every_shape_has_a_valid_and_an_invalid_example() -> None:
    g = shapes()
    node_shapes = {
        s
        for s in g.subjects(RDF.type, SH.NodeShape)
        if any(g.objects(s, p) for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf))
    }
    expected = set()
    for path in _my_examples("invalid"):
        name = re.search(r"^# expect: kms:(\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
        expected.add(name.split("-")[0])
    assert {str(s)[len(KMS) :] for s in node_shapes} <= expected
    # every targeted class or node occurs in some valid example
    valid = Graph()
    for path in _my_examples("valid"):
        _parse([path], valid)
    for s in node_shapes:
        classes = set(g.objects(s, SH.targetClass))
        if classes:
            assert any(valid.value(predicate=RDF.type, object=c) is not None for c in classes), s
        for p in g.objects(s, SH.targetSubjectsOf):
            assert any(valid.triples((None, p, None))), s
        for node in g.objects(s, SH.targetNode):
            assert valid.value(predicate=RDF.type, object=node) is not None, s


def test_every_shape_is_named_and_every_message_is_bilingual() -> None:
    g = shapes()
    for s in set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape)):
        assert str(s).startswith(KMS)
        assert {"sv", "en"} <= {n.language for n in g.objects(s, SH.name)}, s
    for s in set(g.subjects(SH.message, None)):
        langs = {x.language for x in g.objects(s, SH.message)}
        assert langs == {"sv", "en"}, s
