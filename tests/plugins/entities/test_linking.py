"""Each phenomenon of the entities component, on invented sentences."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import newskit
from newskit_entities._kb import VIAS
from newskit.testing import assert_valid_result

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_2e2a1c2ac25b84df.txt"  # the sample article ships in the repository


def test_kb_size_and_persons_carry_offices_and_gender():
    raw = resources.files("newskit_entities").joinpath("data", "kb.json.gz").read_bytes()
    doc = json.loads(gzip.decompress(raw))
    ents = [dict(zip(doc["fields"], row)) for row in doc["entities"]]
    assert len(ents) >= 5000
    kinds = {e["type"] for e in ents}
    assert {"country", "capital", "city", "person", "intl_org", "company", "media", "party", "seat_of_power"} <= kinds
    putin = next(e for e in ents if e["id"] == "Q7747")
    assert putin["gender"] == "male"
    assert any(o[0] == "head_of_state" and o[1] == "Q159" for o in putin["offices"])
    assert sum(1 for e in ents if e["type"] == "intl_org") >= 100
    # the stored index names Putin under his full name, first among its entities
    index = {i: VIAS[v] for i, v in zip(doc["alias"]["Vladimir Putin"][::2], doc["alias"]["Vladimir Putin"][1::2])}
    assert ents[next(iter(index))]["id"] == "Q7747" and set(index.values()) == {"alias"}


def test_full_name_and_surname(run):
    found, result = run("Olaf Scholz met reporters. Later, Scholz said talks would go on.")
    assert found["Olaf Scholz"].value == "Q61053"
    assert found["Olaf Scholz"].attributes["via"] == "alias"
    assert found["Olaf Scholz"].label == "PERSON"
    assert found["Scholz"].value == "Q61053"
    assert found["Scholz"].attributes["via"] == "surname"
    assert_valid_result(result)


def test_title_is_not_part_of_the_span(run):
    found, _ = run("President Vladimir Putin spoke on Monday.")
    assert "Vladimir Putin" in found and found["Vladimir Putin"].value == "Q7747"
    assert not any(t.startswith("President") for t in found)


def test_country_name_forms_and_acronyms(run):
    found, _ = run("The Russian Federation and the PRC signed a deal; Russia's ties with the UAE and the US grew.")
    assert found["Russian Federation"].value == "Q159"
    assert found["PRC"].value == "Q148"
    assert found["PRC"].attributes["via"] == "acronym"
    assert found["Russia"].value == "Q159"  # possessive stripped
    assert found["UAE"].value == "Q878"
    assert found["US"].value == "Q30"


def test_two_letter_acronyms_only_in_capitals(run):
    found, _ = run("Let us talk about the un-named plan.")
    assert not any(f.value == "Q30" for f in found.values())
    assert not any(f.value == "Q1065" for f in found.values())


def test_hyphenated_forms(run):
    found, _ = run("Russia-China cooperation grew, a Moscow-based analyst said.")
    assert found["Russia"].value == "Q159"
    assert found["China"].value == "Q148"
    assert found["Moscow"].value == "Q649"  # "-based": the city itself


def test_country_item_not_kingdom(run):
    found, _ = run("The Netherlands and Denmark backed the plan.")
    assert found["Netherlands"].value == "Q55"
    assert found["Denmark"].value == "Q35"


def test_metonymy_agent_and_literal(run):
    found, _ = run("Beijing and Washington agreed on new talks.")
    assert found["Beijing"].value == "Q148" and found["Beijing"].attributes["via"] == "metonym"
    assert found["Beijing"].attributes["literal"] == "Q956"
    assert found["Washington"].value == "Q30"
    found, _ = run("The minister flew to Moscow on Sunday.")
    assert found["Moscow"].value == "Q649"
    assert "literal" not in found["Moscow"].attributes
    found, _ = run("The Kremlin denied the report.")
    assert found["Kremlin"].value == "Q159"
    assert found["Kremlin"].attributes["via"] == "metonym"
    assert found["Kremlin"].attributes["literal"].startswith("newskit:place/")


def test_demonym_links_to_country_but_not_inside_a_title(run):
    found, _ = run("Russian officials denied it. Chinese leader Xi Jinping arrived.")
    assert found["Russian"].value == "Q159"
    assert found["Russian"].attributes["via"] == "demonym"
    assert found["Russian"].label == "GPE"
    assert "Chinese" not in found
    assert found["Xi Jinping"].value == "Q15031"


def test_nominal_descriptions_use_office_dates(run):
    text = "Vladimir Putin met Xi Jinping. Later the Russian leader praised the Chinese president."
    found, _ = run(text, "2022-06-01")
    assert found["Russian leader"].value == "Q7747"
    assert found["Russian leader"].attributes["via"] == "nominal"
    assert found["Chinese president"].value == "Q15031"
    # the head of state is the one mentioned before the description
    found, _ = run("Jair Bolsonaro spoke. The head of state then left.", "2022-06-01")
    assert found["head of state"].value == "Q10304982"
    # after his term ended, the description no longer fits him
    found, _ = run("Jair Bolsonaro spoke. The head of state then left.", "2024-06-01")
    assert "head of state" not in found or found["head of state"].value != "Q10304982"


def test_nominal_prime_minister_by_date(run):
    found, _ = run("Liz Truss and Rishi Sunak met. The British prime minister spoke first.", "2023-03-01")
    assert found["British prime minister"].value == "Q20055561"
    found, _ = run("Liz Truss and Rishi Sunak met. The British prime minister spoke first.", "2022-10-01")
    assert found["British prime minister"].value == "Q272201"


def test_gender_attribute(run):
    found, _ = run("Annalena Baerbock met Sergey Lavrov.")
    assert found["Annalena Baerbock"].attributes["gender"] == "female"
    assert found["Sergey Lavrov"].attributes["gender"] == "male"


def test_nil_person(run):
    found, _ = run("Jordan Henderson scored twice. Henderson said the team played well.")
    assert found["Jordan Henderson"].value is None
    assert found["Jordan Henderson"].label == "PERSON"
    assert found["Henderson"].value is None
    assert "Jordan" not in found


def test_ambiguous_names_by_context(run):
    found, _ = run("Georgia's government in Tbilisi angered the Kremlin.")
    assert found["Georgia"].value == "Q230"
    found, _ = run("Voters in Georgia backed the Republican governor; turnout in Atlanta was high.")
    assert found["Georgia"].value == "Q1428"
    found, _ = run("Apple shares rose after the iPhone launch.")
    assert found["Apple"].value == "Q312"
    found, _ = run("Apple harvests fell as orchards suffered in the drought; growers and farmers worried.")
    assert "Apple" not in found
    found, _ = run("Amazon fires spread as deforestation in the rainforest hit a record in Brazil.")
    assert found["Amazon"].value == "newskit:loc/amazon_rainforest"
    found, _ = run("Amazon shares fell as the online retailer warned on sales.")
    assert found["Amazon"].value == "Q3884"
    found, _ = run("Turkey said it would veto the plan, officials in Ankara said.")
    assert found["Turkey"].value == "Q43"


def test_orgs_companies_media_with_tags(run):
    found, _ = run("The European Central Bank, NATO and the IMF met. Reuters and the BBC reported it.")
    assert found["European Central Bank"].value == "Q8901"
    assert "central_bank" in found["European Central Bank"].attributes["tags"]
    assert found["NATO"].value == "Q7184"
    assert found["IMF"].value == "Q7804"
    assert found["Reuters"].value == "Q130879"
    assert found["Reuters"].attributes["type"] == "media"
    assert found["BBC"].value == "Q9531"


def test_confidence_on_every_link(run):
    _, result = run("Moscow said Georgia and Paris would talk, Vladimir Putin said.")
    for f in result.of_kind("entity"):
        assert 0 < f.confidence <= 1


def test_sample_article():
    text = SEED.read_text(encoding="utf-8")
    result = newskit.Pipeline(["entities"]).run(text, published_at="2024-10-02")
    assert_valid_result(result)
    by = {}
    for f in result.of_kind("entity"):
        by.setdefault(f.text, set()).add((f.value, f.attributes["via"]))
    assert by["Vladimir Putin"] == {("Q7747", "alias")}
    assert by["Putin"] == {("Q7747", "surname")}
    assert by["Xi Jinping"] == {("Q15031", "alias")}
    assert by["Russian Federation"] == {("Q159", "alias")}
    assert by["Russia"] == {("Q159", "alias")}
    assert by["PRC"] == {("Q148", "acronym")}
    assert by["China"] == {("Q148", "alias")}
    assert by["Moscow"] == {("Q159", "metonym")}
    assert by["Beijing"] == {("Q148", "metonym")}
    assert by["head of state"] == {("Q7747", "nominal")}
    assert by["Russian leader"] == {("Q7747", "nominal")}
    assert by["Eurasia"] == {("Q5401", "alias")}
    assert by["China Central Television"] == {(next(iter(by["China Central Television"]))[0], "alias")}
    cctv = next(f for f in result.of_kind("entity") if f.text == "China Central Television")
    assert cctv.label == "ORG"
    for f in result.of_kind("entity"):
        if f.text == "Moscow":
            assert f.attributes["literal"] == "Q649"
        if f.text == "Beijing":
            assert f.attributes["literal"] == "Q956"
    assert "Chinese" not in by  # part of the title "Chinese leader"



def test_changing_one_finding_s_tags_list_changes_no_other_finding():
    # Lists are JSON's arrays, so tags stay a list; each finding must own its own.
    import newskit

    pipeline = newskit.Pipeline(["entities"])
    text = "The European Central Bank met. The European Central Bank raised rates."
    first = pipeline.run(text)
    one, two = (f for f in first.of_kind("entity") if f.text == "European Central Bank")
    assert "central_bank" in one.attributes["tags"]
    one.attributes["tags"].append("edited")
    assert "edited" not in two.attributes["tags"]
    again = pipeline.run(text)
    assert all("edited" not in f.attributes["tags"] for f in again.of_kind("entity"))


def test_names_not_in_the_kb_with_particles_and_place_surnames_are_persons(run):
    found, _ = run("Ursula von der Leyen met Maria Santos. Kenji Paris flew to Austin Texas.")
    for name in ("Ursula von der Leyen", "Maria Santos", "Kenji Paris"):
        assert found[name].label == "PERSON" and found[name].value is None  # NIL, whole name
    assert found["Austin"].label != "PERSON"  # a given name that is itself a place stays one
    assert found["Texas"].label != "PERSON"


def test_a_name_of_given_names_stays_whole_and_a_coordination_is_split(run):
    found, _ = run("Alexander Graham Bell spoke. Jean-Pierre Jeunet spoke. Fans of Liverpool and Tomasz Wrona cheered.")
    assert "Alexander Graham Bell" in found and "Graham Bell" not in found
    assert "Jean-Pierre Jeunet" in found and "Pierre Jeunet" not in found
    assert "Tomasz Wrona" in found


def test_names_joined_by_and_are_read_one_by_one(run):
    found, _ = run("Maria Santos and Kenji Paris met. Mike and Bob Bryan won. Gallas and Duff played.")
    assert found["Maria Santos"].label == found["Kenji Paris"].label == "PERSON"
    assert found["Bob Bryan"].label == "PERSON"
    assert "Gallas" not in found and "Duff" not in found  # surnames alone, never named in full
    found, _ = run("The European Convention on Human Rights applies.")
    assert not any(f.label == "PERSON" for f in found.values())


def test_a_description_follows_the_office_through_its_holders(run):
    text = "The British prime minister spoke. The US president replied."
    for date, pm in [("2022-06-01", "Q180589"), ("2022-10-01", "Q272201"), ("2023-03-01", "Q20055561")]:
        found, _ = run(text, published_at=date)
        assert found["British prime minister"].value == pm, date
    found, _ = run(text, published_at="2022-06-01")
    assert found["US president"].value == "Q6279"  # a country's acronym as the modifier
    found, _ = run("The UK prime minister spoke.", published_at="2024-10-02")
    assert "UK prime minister" not in found  # the KB does not know the holder then: no guess


def test_a_country_s_possessive_is_a_description_of_the_office_holder(run):
    found, _ = run("Russia's president spoke. Germany's chancellor listened.", published_at="2022-06-01")
    assert found["Russia's president"].value == "Q7747"
    assert found["Germany's chancellor"].value == "Q61053"
    found, _ = run("Russia's President Vladimir Putin spoke. Apple's president resigned.", published_at="2022-06-01")
    assert found["Russia"].value == "Q159" and found["Vladimir Putin"].value == "Q7747"
    assert "Apple's president" not in found  # a company's, not a country's
