"""Sports clubs and competitions, short forms after a full name, context-bound party
acronyms and NIL surnames that carry the full name."""

from __future__ import annotations

import tomllib
from importlib import resources

from newskit.testing import assert_valid_result


def _all(result):
    return [(f.text, f.value, f.attributes["via"]) for f in result.of_kind("entity")]


def test_clubs_win_over_their_city_and_carry_tags(run):
    found, result = run("Manchester City beat Manchester United, and Inter Milan drew in Milan.")
    assert found["Manchester City"].value == "Q50602"
    assert found["Manchester United"].value == "Q18656"
    assert found["Manchester City"].attributes["type"] == "football_club"
    assert "football_club" in found["Manchester City"].attributes["tags"]
    assert "sports_club" in found["Inter Milan"].attributes["tags"]
    assert found["Milan"].attributes["type"] != "football_club"  # the city, used literally
    assert not any(v == "Q18125" for _, v, _ in _all(result))  # no "Manchester" the city
    assert_valid_result(result)


def test_competitions_are_events(run):
    found, _ = run("The FA Cup final and the Champions League draw were both on Saturday.")
    for name in ("FA Cup", "Champions League"):
        assert found[name].label == "EVENT"
        assert "competition" in found[name].attributes["tags"]
    assert "FA" not in found


def test_short_form_needs_the_full_name_earlier(run):
    found, _ = run("Tottenham Hotspur lost again. Spurs have not won since May.")
    assert found["Spurs"].value == found["Tottenham Hotspur"].value
    assert found["Spurs"].attributes["via"] == "short"
    found, _ = run("Spurs have not won since May.")
    assert "Spurs" not in found
    found, _ = run("City were unlucky, the mayor said of the city council.")
    assert "City" not in found


def test_short_form_shared_by_two_named_clubs_is_left_unlinked(run):
    found, _ = run("Leeds United played Newcastle United. United fans sang throughout.")
    assert "United" not in found


def test_place_name_club_needs_a_sports_context(run):
    found, _ = run("Liverpool drew at Anfield after the striker missed a penalty.")
    assert found["Liverpool"].value == "Q1130849"
    found, _ = run("Liverpool council approved a new bus lane.")
    assert "Liverpool" not in found or found["Liverpool"].attributes["type"] != "football_club"


def test_party_acronyms_link_only_in_context(run):
    # a bulk-generated acronym of a foreign party, with no mention of its country
    found, _ = run("The FA fined the club. The MP said the PM had lost the vote.")
    assert not any(f.attributes["type"] == "party" for f in found.values())
    # a common abbreviation never links to a party, even where the party's country is named
    found, _ = run("In Sweden the MP gained seats, Swedish media said.")
    assert "MP" not in found or found["MP"].attributes["type"] != "party"
    # a party acronym links when its country is mentioned, and not otherwise
    found, _ = run("Voters in Lebanon backed the PSP, which now leads the polls.")
    assert found["PSP"].value == "Q113104"
    found, _ = run("Voters backed the PSP, which now leads the polls.")
    assert "PSP" not in found
    # ... nor when a capitalised word runs on from it (a longer name, as in "FA Cup")
    found, _ = run("Voters in Lebanon watched the PSP Youth rally.")
    assert "PSP" not in found
    # a curated major party links without context
    found, _ = run("The SNP won most seats.")
    assert found["SNP"].value == "Q10658"


def test_acronym_rules_are_data():
    rules = tomllib.loads(resources.files("newskit_entities").joinpath("data", "rules.toml").read_text("utf-8"))
    acr = rules["acronyms"]
    assert "party" in acr["context_types"]
    assert "MP" in acr["never"] and "Q10658" in acr["always"]
    assert "striker" in rules["cue_lists"]["sport"]


def test_nil_surname_carries_the_full_name(run):
    found, result = run("Ilkay Gundogan scored twice. Gundogan said the team was tired.")
    assert found["Ilkay Gundogan"].value is None
    assert found["Gundogan"].value is None
    assert found["Gundogan"].attributes["via"] == "surname"
    assert found["Gundogan"].attributes["name"] == "Ilkay Gundogan"
    assert found["Ilkay Gundogan"].attributes["name"] == "Ilkay Gundogan"
    # a surname after a title with no full name keeps its own text
    found, _ = run("Mr Okonjo-Ibe arrived late.")
    assert all(f.attributes["name"] == f.text for f in found.values() if f.value is None)


def test_ampersand_inside_a_name(run):
    found, _ = run("Brighton & Hove Albion won. Brighton are fifth.")
    assert found["Brighton & Hove Albion"].value == "Q19453"
    assert found["Brighton"].value == "Q19453"


def test_unknown_org_names_and_coordinations_are_no_nil_persons(run):
    text = ("Land Registry figures rose, the Land Registry said; Registry staff agreed. "
            "Gallas and Duff played; Duff scored. Both McKenzie and Watkins came on; Watkins starred.")
    found, result = run(text)
    nil = {f.text for f in result.of_kind("entity") if f.value is None}
    assert not any("Registry" in n for n in nil)
    assert "Gallas and Duff" not in nil and "McKenzie and Watkins" not in nil
    assert not any(n.startswith("Both") for n in nil)
    # a repeated surname still makes an unknown two-word name a person
    found, _ = run("Anneliese Dodds spoke first. Dodds said workers needed certainty.")
    assert found["Anneliese Dodds"].value is None and found["Dodds"].attributes["via"] == "surname"
    # name-internal connectors are kept ("van", "bin")
    found, _ = run("Mark van Gisbergen kicked the goal; van Gisbergen was calm. Gisbergen smiled.")
    assert any(f.text == "Mark van Gisbergen" for f in found.values())


def test_office_holder_surname_without_antecedent_needs_the_country(run):
    # "Nielsen" alone is a Faroese prime minister's surname in the KB, but nothing in this
    # sports text mentions the Faroe Islands
    found, _ = run("Subs: Marshall, Nielsen, Lambert. Nielsen came on late.", published_at="2021-06-01")
    assert "Nielsen" not in found or found["Nielsen"].value is None
    found, _ = run("Scholz said on Monday that Germany would send more aid.", published_at="2022-06-01")
    assert found["Scholz"].value == "Q61053"


def test_acronyms_that_are_common_nouns_need_their_context(run):
    found, _ = run("CCTV footage showed the men, police said.")
    assert "CCTV" not in found
    found, _ = run("China's state broadcaster CCTV said Beijing would respond.")
    assert found["CCTV"].attributes["type"] == "media"
    found, _ = run("Protesters destroyed GM crops planted by farmers in a trial.")
    assert "GM" not in found
    found, _ = run("GM recalled 200,000 cars made in Detroit.")
    assert found["GM"].attributes["type"] == "company"
