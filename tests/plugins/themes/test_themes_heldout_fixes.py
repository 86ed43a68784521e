"""General rule fixes found by the held-out review (benchmarks/accuracy/themes/HELDOUT.md).

Each case is a look-alike that the rules confused before (a word of one theme inside a phrase that
belongs to another) or a common phrase of a theme that was missing; the sentences are not taken
from the held-out set.
"""

from __future__ import annotations

import pytest

from themes_kit import probe, themes

MENTAL_HEALTH = "medtop:20000458"
ACT_OF_TERROR = "medtop:20000053"
ISLAM = "medtop:20000677"
RELIGION = "medtop:12000000"
MASS_MEDIA = "medtop:20000045"
TELEVISION = "medtop:20000051"
COUP = "medtop:20000070"
ACCIDENT = "medtop:20000139"
TRANSPORT_ACCIDENT = "medtop:20000143"
WEATHER_PHENOMENA = "medtop:20001129"
ENDANGERED_SPECIES = "medtop:20000443"
SPORT_DISCIPLINE = "medtop:20001103"
JUDICIARY = "medtop:20000106"
LAW_ENFORCEMENT = "medtop:20000129"
EMPLOYMENT_LAW = "medtop:20000521"
UNIONS = "medtop:20000536"
WELFARE = "medtop:20000817"
NGO = "medtop:20000646"
RITUAL = "medtop:20000696"
LAW = "medtop:20000121"
GOVERNMENT = "medtop:20000593"
EMERGENCY_RESPONSE = "medtop:20000168"
DEFENCE = "medtop:20000598"


def test_a_suicide_bombing_is_terror_not_mental_health():
    found = themes("A suicide bomber killed 12 people at a checkpoint outside the capital on Monday, officials said.")
    assert ACT_OF_TERROR in found
    assert MENTAL_HEALTH not in probe("The suicide bomber detonated his vest at the gate of the compound.")
    # the word on its own still counts for mental health
    assert MENTAL_HEALTH in probe("Suicide rates among young men have risen, and charities are calling for more counselling.")


def test_the_name_islamic_state_is_not_evidence_of_islam():
    scores = probe("Fighters loyal to Islamic State ambushed an army convoy in the desert, killing nine soldiers.")
    assert ISLAM not in scores and RELIGION not in scores
    assert ISLAM in probe("Islamic scholars gathered for a conference on the teaching of the faith.")


@pytest.mark.parametrize("text", [
    "The defence minister said on state television that the border crossings would reopen on Sunday.",
    "The interior ministry told state media that the curfew would be lifted, and state media reported calm in the capital.",
])
def test_state_television_as_the_channel_of_an_announcement_is_not_media(text):
    found = themes(text)
    assert MASS_MEDIA not in found and TELEVISION not in found


def test_a_story_about_the_state_broadcaster_is_still_media():
    assert MASS_MEDIA in themes("The state broadcaster will cut 300 journalists, and state television will close two news channels.")


def test_coup_language_without_the_word_coup():
    found = themes("Mutinous officers suspended the constitution overnight and promised a return to civilian rule within two years.")
    assert COUP in found


def test_road_accident_phrases():
    found = themes("The lorry driver lost control of the vehicle on the icy bridge, and the wreckage blocked both lanes for hours.")
    assert TRANSPORT_ACCIDENT in found and ACCIDENT in found


def test_airlifted_casualties_are_emergency_response():
    assert EMERGENCY_RESPONSE in probe("Two climbers were airlifted from the glacier after a fall.")


def test_a_cyclone_is_a_weather_phenomenon():
    assert WEATHER_PHENOMENA in probe("A cyclone battered the island overnight, tearing off roofs and cutting power to thousands of homes.")
    assert WEATHER_PHENOMENA in themes("A cyclone battered the island overnight with torrential rain, tearing off roofs across the north.")


def test_an_endangered_language_is_not_an_endangered_species():
    assert ENDANGERED_SPECIES not in probe("Only 300 people still speak the endangered language, linguists say.")
    assert probe("The endangered turtles nest on only two beaches, conservationists say.").get(ENDANGERED_SPECIES, 0) > 0


def test_the_sports_tribunal_is_sport_discipline_not_the_courts():
    text = "The sprinter lost her appeal at the Court of Arbitration for Sport against a two-year ban."
    found = themes(text)
    assert SPORT_DISCIPLINE in found
    assert JUDICIARY not in found


def test_police_said_alone_is_the_source_not_law_enforcement():
    assert LAW_ENFORCEMENT not in themes("The roof of the barn collapsed under heavy snow overnight, police said.")
    # real police work in the same sentence shape is still found
    assert LAW_ENFORCEMENT in themes("Detectives arrested two men after the burglary, police said, and officers searched a house.")
    assert LAW_ENFORCEMENT in probe("The organised crime unit is investigating, police said.")


def test_employment_rights_and_trade_unions():
    assert EMPLOYMENT_LAW in themes("Gig workers will be entitled to sick pay and paid holidays under the new employment rules.")
    assert UNIONS in themes("The nurses' union said its members would vote on the pay offer next week.")


def test_food_banks_are_welfare():
    assert WELFARE in themes("Food banks in the city handed out a record number of parcels, and a soup kitchen has opened on Sundays.")


def test_named_charities_are_ngos():
    assert NGO in themes("Oxfam and Save the Children said aid convoys had been blocked at the border for a week.")


def test_mass_and_prayers_are_ritual():
    assert RITUAL in themes("The archbishop led Mass in the cathedral, and worshippers offered prayers for the victims of the flood.")


def test_legalising_is_about_law():
    assert LAW in probe("The senate voted to legalise cannabis for medical use.")


def test_military_vocabulary_passes_only_part_of_its_weight_to_government():
    text = ("Soldiers fired artillery at rebel positions as fighting spread to the suburbs, and troops dug trenches "
            "along the front line while the army brought up tanks.")
    scores = probe(text)
    assert "medtop:16000000" in themes(text)
    # defence (a narrower theme of government) passes on half its weight
    assert scores[GOVERNMENT] < scores[DEFENCE]
