"""General rule fixes found by the second held-out review (HELDOUT.md, "Set B").

Each case is a common phrase of a theme that was missing, or a look-alike that pulled a story
into another theme; the sentences are not taken from the held-out passages, and each test also
checks that the theme still fires (or the other theme still fires) where it belongs.
"""

from __future__ import annotations

from themes_kit import probe, themes

LIFESTYLE = "medtop:10000000"
WELLNESS = "medtop:20001339"
OUTDOOR = "medtop:20000560"
HOUSE_AND_HOME = "medtop:20000570"
SPORT = "medtop:15000000"
SWIMMING = "medtop:20001071"
DEMOGRAPHICS = "medtop:20000770"
POPULATION_GROWTH = "medtop:20000435"
HUMAN_INTEREST = "medtop:08000000"
AWARD = "medtop:20000498"
DISASTER_TOP = "medtop:03000000"
INDUSTRIAL_ACCIDENT = "medtop:20000141"
UNIONS = "medtop:20000536"
LABOUR_DISPUTE = "medtop:20000529"
INTERNATIONAL_RELATIONS = "medtop:20000638"
CLIMATE_CHANGE = "medtop:20000418"
WEATHER_WARNING = "medtop:20001131"
WEATHER_FORECAST = "medtop:20001128"
MARKET = "medtop:20000385"


def test_fertility_rate_is_demographics_before_population_growth():
    scores = probe("The fertility rate dropped to 1.1 births per woman in Italy, the statistics agency reported.")
    assert DEMOGRAPHICS in scores
    assert scores[DEMOGRAPHICS] > scores.get(POPULATION_GROWTH, 0.0)
    # population growth as an environmental pressure is still found
    assert POPULATION_GROWTH in themes("Rapid population growth and overpopulation are draining the aquifers of the valley.")


def test_cold_water_swimming_and_saunas_are_leisure_not_competitive_swimming():
    text = "Sea swimming has become a winter habit in Dublin, and many bathers warm up in a sauna on the pier afterwards."
    found = themes(text)
    assert LIFESTYLE in found and OUTDOOR in probe(text)
    assert WELLNESS in probe(text)
    assert SWIMMING not in probe("Open-air swimming in the lido is free for children this summer.")
    assert SWIMMING not in probe("The council will close two public swimming pools to save money.")
    # competitive swimming is still sport
    found = themes("The Australian swimmer won the 200m freestyle final in world-record time at the swimming championships.")
    assert SPORT in found and SWIMMING in found


def test_allotments_and_growing_your_own_are_house_and_home():
    found = themes("Gardeners in Bristol say their allotments have never been busier, as more families grow their own vegetables.")
    assert LIFESTYLE in found and HOUSE_AND_HOME in found


def test_bravery_honours_are_awards():
    found = themes("The teenager who pulled two children from a frozen lake was given the highest civilian honour for bravery.")
    assert AWARD in found and HUMAN_INTEREST in found
    assert AWARD in probe("Three firefighters received gallantry medals at the palace on Tuesday.")


def test_trapped_miners_are_an_industrial_accident():
    found = themes("Eleven miners trapped underground since a mine collapse on Friday have been brought to the surface, officials said.")
    assert INDUSTRIAL_ACCIDENT in found and DISASTER_TOP in found
    assert INDUSTRIAL_ACCIDENT in probe("Rescue teams were drilling towards the workers trapped after the tunnel collapsed.")


def test_a_union_speaking_is_evidence_of_unions_but_the_european_union_is_not():
    with_verb = probe("The union said its members would not accept the offer.")
    without = probe("The offer went to the union yesterday.")
    assert with_verb.get(UNIONS, 0.0) > without.get(UNIONS, 0.0)
    assert UNIONS not in probe("The European Union said it would impose tariffs on steel.")


def test_walking_off_the_job_is_a_labour_dispute():
    assert LABOUR_DISPUTE in probe("Nurses at three hospitals walked off the job on Friday over staffing levels.")
    assert LABOUR_DISPUTE in themes("Bus drivers went on strike and picket lines formed outside every depot.")


def test_un_climate_talks_are_international_relations():
    text = ("Delegates at the UN climate talks in Bonn agreed a new fund for countries hit by droughts and rising seas. "
            "Scientists warned that emissions must fall by half this decade to limit global warming.")
    found = themes(text)
    assert INTERNATIONAL_RELATIONS in found
    assert CLIMATE_CHANGE in found  # the environment theme still leads the story
    assert INTERNATIONAL_RELATIONS not in probe("Global warming is melting the glaciers of the Alps faster than expected.")


def test_storm_signals_and_landfall_are_weather_warning_and_forecast():
    scores = probe("The observatory raised the number eight storm signal as the typhoon approached.")
    assert WEATHER_WARNING in scores
    found = themes("The hurricane is expected to make landfall on Thursday with winds of 200 km/h, forecasters said.")
    assert WEATHER_FORECAST in found


def test_shares_jumping_or_tumbling_is_the_market():
    text = ("Shares in the clothing retailer tumbled 14 percent on Tuesday after it cut its sales forecast for the year. "
            "Investors had expected a strong Christmas.")
    assert MARKET in themes(text)
    moved = probe("Its shares jumped 9 percent on Monday.")
    plain = probe("Its shares were issued on Monday.")
    assert moved[MARKET] > plain.get(MARKET, 0.0)
