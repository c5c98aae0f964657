#!/usr/bin/env python3
"""Writes libsignatur's Danish demo corpus: mail to an invented municipality, Egeskov Kommune.

    python3 scripts/gen-demo-corpus.py            # writes demo/corpus/ (deletes the old files)
    python3 scripts/gen-demo-corpus.py --out DIR  # somewhere else

Deterministic: the same seed gives byte-identical files on every machine (no clock, no
hash-order dependence, no third-party packages). Every name, address, number and case in the
output is invented; CPR numbers are valid by date only and follow an obviously made-up
pattern (born on the 1st of a month, serials like 1234), see demo/README.md.

The texts are written for this corpus: per topic (a KLE emne with a handling facet and the
unit that handles it) a handful of subjects, openings, details and questions in plain
Danish, combined at random with greetings, sign-offs, signatures, identifiers, quoted
history, forwards, attachments and the encodings real mail arrives in (plain, HTML,
multipart/alternative, ISO-8859-1 and UTF-8, RFC 2047 subjects, MeMo XML for Digital Post).
No text is taken from OS2KLE's keyword lists; the KLE titles in `title` are only used in
the KLEdata of a few MeMo messages, where a real sender's form would put them.
"""

import argparse
import base64
import csv
import datetime as dt
import html
import io
import os
import quopri
import random
import shutil
import sys
import textwrap
import uuid
from xml.sax.saxutils import escape as xml_escape

SEED = 20240503
DOMAIN = "egeskov.dk"
MUNICIPALITY = "Egeskov Kommune"

# --------------------------------------------------------------------------------------
# Units of Egeskov Kommune: their shared mailboxes and invented staff.
# --------------------------------------------------------------------------------------

UNITS = {
    "Byggeri og Miljø": {"boxes": ["byggeri", "miljoe"], "staff": [("Lene", "Bak"), ("Søren", "Vestergaard"), ("Camilla", "Thorsen")]},
    "Teknik og Vej": {"boxes": ["vej", "teknik"], "staff": [("Henrik", "Lauridsen"), ("Mette", "Kjærgaard")]},
    "Borgerservice": {"boxes": ["borgerservice"], "staff": [("Anne", "Holm"), ("Rasmus", "Friis")]},
    "Social og Handicap": {"boxes": ["social", "handicap"], "staff": [("Birgitte", "Nørgaard"), ("Jonas", "Møller")]},
    "Børn og Familie": {"boxes": ["familie"], "staff": [("Louise", "Dalsgaard"), ("Peter", "Skov")]},
    "Skole og Dagtilbud": {"boxes": ["skole", "pladsanvisning"], "staff": [("Katrine", "Winther"), ("Morten", "Iversen")]},
    "Jobcenter": {"boxes": ["jobcenter"], "staff": [("Tina", "Overgaard"), ("Kasper", "Lind"), ("Hanne", "Bech")]},
    "Ældre og Sundhed": {"boxes": ["aeldre", "sundhed"], "staff": [("Dorthe", "Hald"), ("Michael", "Brandt")]},
    "Økonomi": {"boxes": ["opkraevning", "oekonomi"], "staff": [("Susanne", "Krogh"), ("Thomas", "Eriksen")]},
    "Jura og Sekretariat": {"boxes": ["sekretariat", "jura"], "staff": [("Charlotte", "Riis"), ("Mads", "Pallesen")]},
}

# --------------------------------------------------------------------------------------
# Invented people, places and firms.
# --------------------------------------------------------------------------------------

FIRST_F = ["Anne", "Mette", "Hanne", "Lone", "Susanne", "Kirsten", "Camilla", "Louise", "Sofie", "Ida", "Emma",
           "Maja", "Karen", "Birthe", "Inge", "Jette", "Pia", "Tina", "Sanne", "Line", "Nanna", "Helle", "Gitte",
           "Rikke", "Marianne", "Signe", "Astrid", "Ellen", "Bodil", "Trine"]
FIRST_M = ["Jens", "Peter", "Lars", "Søren", "Henrik", "Niels", "Thomas", "Morten", "Martin", "Anders", "Jesper",
           "Rasmus", "Kim", "Michael", "Bo", "Poul", "Erik", "Ole", "Frederik", "Mikkel", "Jakob", "Kristian",
           "Torben", "Allan", "Jørgen", "Bent", "Villads", "Magnus", "Christian", "Steen"]
LAST = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen", "Johansen", "Knudsen",
        "Mortensen", "Møller", "Mikkelsen", "Frandsen", "Dahl", "Lund", "Holm", "Bach", "Skov", "Kjær", "Vinther",
        "Damgaard", "Bundgaard", "Højgaard", "Ravn", "Bisgaard", "Krog", "Lykke", "Storm", "Brix", "Ebbesen"]
CHILDREN = ["Oscar", "Alma", "Karl", "Freja", "Noah", "Ella", "William", "Clara", "Aksel", "Agnes", "Lucas",
            "Ida", "Viggo", "Olivia", "Emil", "Asta", "Malthe", "Luna", "Alfred", "Josefine"]
FOREIGN_FIRST = ["Anna", "Marta", "Tomas", "Lukas", "Sofia", "James", "Olena", "Mateusz", "Elena", "David",
                 "Priya", "Carlos", "Ioana", "Andrius"]
FOREIGN_LAST = ["Kowalczyk", "Novak", "Petrauskas", "Miller", "Rossi", "Garcia", "Schmidt", "Ivanenko",
                "Horvath", "Fernandes", "Sharma", "Popescu", "Walsh", "Bianchi"]
STREETS = ["Bøgevej", "Skolegade", "Møllebakken", "Kirkestræde", "Ådalen", "Enghavevej", "Fasanvej",
           "Kastanje Allé", "Stationsvej", "Lærkevej", "Toftevej", "Østergade", "Vestergade", "Præstevænget",
           "Mosegårdsvej", "Hyldebærvej", "Strandvejen", "Birkelunden", "Gl. Landevej", "Rugmarken", "Engtoften",
           "Kløvervænget", "Smedegade", "Havrevej", "Ørnevej", "Spurvevej", "Tingvej", "Åbakken"]
TOWNS = ["Egeskov", "Lille Egede", "Stensby", "Hvidmose", "Ørum Strand", "Tørslev", "Bakkebølle"]
SCHOOLS = ["Egeskov Skole", "Stensby Skole", "Hvidmoseskolen", "Ådalsskolen", "Tørslev Friskole", "Bakkeskolen"]
DAYCARE = ["Børnehuset Mælkebøtten", "Vuggestuen Solsikken", "Børnehaven Troldehøj", "Naturbørnehaven Egeknoppen",
           "Dagplejen i Stensby", "Børnehuset Regnbuen"]
HOMES = ["Plejecenter Egebo", "Lindegården", "Solbakken", "Plejecenter Ådalen"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

FIRMS = {
    "build": ["Stensby Tømrer & Snedker ApS", "Arkitektfirmaet Ådal & Co.", "Nordlys Byg A/S",
              "Egeskov Murerforretning ApS", "Byggerådgivning Vest ApS", "Tegnestuen Lærkevej"],
    "dig": ["Fiberline Anlæg A/S", "Egeskov Forsyning A/S", "Kabel & Rør Entreprise ApS", "Hvidmose Kloakservice ApS"],
    "employer": ["Hvidmose Auto ApS", "Café Kastanjen", "Stensby Boligservice", "Egeskov Maskinfabrik A/S",
                 "Lindholm Rengøring ApS", "Ørum Strand Camping", "Bageriet på Torvet", "Grøn Have Anlægsgartner ApS"],
    "supplier": ["Kontorhuset Nord A/S", "GrønPleje Entreprenør ApS", "IT-Partner Egeskov ApS", "Madhuset Syd ApS",
                 "Rengøringsgruppen Fyn ApS"],
    "food": ["Restaurant Havnen", "Pizzeria Roma Egeskov", "Slagter Brix", "Café Kastanjen"],
    "aid": ["Mobilitet & Hjælpemidler ApS", "Rehab Partner A/S"],
    "law": ["Advokatfirmaet Lund & Ravn", "Boligadvokaten ApS"],
    "press": ["Dagbladet Egeskov Amtsavis", "Egeskov Lokalradio"],
    "advice": ["Landbrugsrådgivning Syd", "Byggerådgivning Vest ApS"],
    "solar": ["Solenergi Vest ApS", "SolPark Danmark ApS"],
    "clinic": ["Fysioterapien i Stensby", "Egeskov Fysio & Træning"],
    "noise": ["Egeskov Maskinfabrik A/S", "Stensby Betonvarer ApS"],
    "oil": ["Stensby VVS & Blik ApS", "Tankservice Danmark ApS"],
    "rats": ["Restaurant Havnen", "Boligforeningen Egely"],
}

AUTHORITIES = {
    "politi": ("Politiet", "politi.dk", ["Politiassistent", "Politikommissær"]),
    "skat": ("Skattestyrelsen", "sktst.dk", ["Fuldmægtig", "Sagsbehandler"]),
    "gaeld": ("Gældsstyrelsen", "gaeldst.dk", ["Sagsbehandler"]),
    "sst": ("Sundhedsstyrelsen", "sst.dk", ["Specialkonsulent"]),
    "stps": ("Styrelsen for Patientsikkerhed", "stps.dk", ["Tilsynsførende"]),
    "udk": ("Udbetaling Danmark", "atp.dk", ["Sagsbehandler"]),
    "ast": ("Ankestyrelsen", "ast.dk", ["Fuldmægtig"]),
    "ombud": ("Folketingets Ombudsmand", "ombudsmanden.dk", ["Chefkonsulent"]),
    "hospital": ("Regionshospitalet, Ortopædkirurgisk Afdeling", "rm.dk", ["Afdelingssygeplejerske", "Fysioterapeut"]),
    "school": ("", DOMAIN, ["Skoleleder", "Lærer", "Afdelingsleder"]),
    "daycare": ("", DOMAIN, ["Pædagog", "Leder"]),
    "frh": ("Familieretshuset", "familieretshuset.dk", ["Familiejurist"]),
}


def ascii_fold(s):
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa"), ("é", "e"),
                 ("á", "a"), ("ü", "u"), ("ö", "o"), ("'", ""), (" ", ""), ("&", ""), (".", ""), (",", ""),
                 ("/", ""), ("-", "")):
        s = s.replace(a, b)
    return s.lower()


def invented_cpr(rng, born_year):
    """A CPR number valid by date but obviously invented: born on the 1st, a made-up serial."""
    month = rng.randint(1, 12)
    if born_year >= 2000:
        serial = rng.choice(["4321", "4455", "4567", "4711", "4242"])  # 7th digit 4: 2000-2036
    else:
        serial = rng.choice(["1234", "2345", "3456", "1122", "2233", "0101", "1212", "3030"])  # 1900s
    return f"01{month:02d}{born_year % 100:02d}-{serial}"


def invented_cvr(rng):
    """Eight digits whose modulus-11 check holds (weights 2 7 6 5 4 3 2 1)."""
    while True:
        d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        s = sum(a * b for a, b in zip(d, [2, 7, 6, 5, 4, 3, 2])) % 11
        check = (11 - s) % 11
        if check < 10:
            return "".join(map(str, d)) + str(check)


PHONES = ["12 34 56 78", "11 22 33 44", "87 65 43 21", "12 12 34 34", "21 21 21 21", "98 76 54 32"]

# --------------------------------------------------------------------------------------
# Topics: KLE emne, facet, unit; the texts are this corpus's own.
# --------------------------------------------------------------------------------------


def T(kle, facet, unit, title, n, what, **kw):
    d = dict(kle=kle, facet=facet, unit=unit, title=title, n=n, what=what)
    d.setdefault("kinds", {"citizen": 1.0})
    d.update(kw)
    return d


def S(text, subj=None, detail=None, ask=None, by=None, firms=None):
    """An opening with what belongs to it: its own subjects, details and questions (replacing
    the topic's shared ones) and who writes it (an authority, or a group of firms)."""
    return {"text": text, "subj": subj, "detail": detail, "ask": ask, "by": by, "firms": firms}


def scenario(opening):
    return opening if isinstance(opening, dict) else S(opening)


TOPICS = [
    # ---------------------------------------------------------------- Byggeri og Miljø
    T("02.34.02", "P19", "Byggeri og Miljø", "Byggetilladelse", 16, "din ansøgning om byggetilladelse",
      kinds={"citizen": 0.65, "business": 0.35}, firms="build", memo_kle=0.5,
      subj={"citizen": ["Spørgsmål til min byggesag på {street} {nr}", "Status på byggesag", "Byggesag {street} {nr}"],
            "business": ["Ansøgning om byggetilladelse, {street} {nr}", "Byggesag {street} {nr}, {town}"]},
      open={"citizen": [
          S("Vi har i sommer købt huset på {street} {nr} og vil gerne bygge en tilbygning på ca. {m2} m² mod haven, så der bliver plads til et ekstra børneværelse.",
            subj=["Byggeansøgning - tilbygning til vores hus", "Tilbygning på {street} {nr}"]),
          S("Jeg har via Byg og Miljø sendt en ansøgning om en dobbelt carport med redskabsrum, men jeg har ikke hørt noget siden {date}.",
            subj=["Ansøgning om tilladelse til carport", "Hvornår får vi svar på byggeansøgningen?", "Status på byggesag"]),
          S("Min kone og jeg vil gerne rive den gamle garage ned og bygge en ny i mursten på ca. {m2} m², tæt på skellet til naboen.",
            subj=["Ny garage på {street} {nr}", "Byggetilladelse til garage"]),
          S("Vi søgte om byggetilladelse til et nyt værksted og en overdækket terrasse i starten af {month}, og vores tømrer står og venter på at komme i gang.",
            subj=["Hvornår får vi svar på byggeansøgningen?", "Status på byggesag", "Byggesag {street} {nr}"]),
          S("Jeg skriver angående vores projekt med at bygge en 1. sal ovenpå bungalowen på {street} {nr}.",
            subj=["Udvidelse med 1. sal", "Spørgsmål til min byggesag på {street} {nr}"]),
          S("Vi har fået en mail om, at vores byggeansøgning er mangelfuld, men jeg forstår ikke helt, hvad det er, der mangler.",
            subj=["Hvad mangler der i vores byggeansøgning?", "Spørgsmål til min byggesag på {street} {nr}"],
            ask=["Kan I skrive præcist, hvilke tegninger I mangler?", "Jeg vil gerne ringes op, hvis det er nemmere at forklare over telefonen."]),
      ], "business": [
          S("På vegne af bygherre {other} fremsender vi hermed ansøgning om byggetilladelse til et nyt enfamiliehus på {street} {nr}."),
          S("Som aftalt telefonisk med {worker_first} sender vi de reviderede facadetegninger og en opdateret situationsplan for projektet på {street} {nr}.",
            subj=["Reviderede tegninger - {street} {nr}"]),
          S("Vi er entreprenør på tilbygningen på {street} {nr} og vil høre, om byggetilladelsen er klar, så vi kan planlægge opstart i {week}.",
            subj=["Byggesag {street} {nr}, {town}", "Status på byggetilladelse - {street} {nr}"], ask=["Kan I oplyse, hvornår der forventes en afgørelse?"]),
          S("Vedlagt er de statiske beregninger og brandstrategien, som I efterlyste i jeres brev om byggesagen.",
            subj=["Supplerende materiale til byggeansøgning", "Eftersendte beregninger - {street} {nr}"]),
      ]},
      detail=["Tegninger, situationsplan og en beregning af bebyggelsesprocenten er vedhæftet.",
              "Byggeriet holder sig mere end 2,5 meter fra skel og bliver ikke højere end huset.",
              "Vi har talt med naboen, og de har ingen indvendinger mod projektet.",
              "Grunden er på ca. 850 m², og det samlede etageareal efter byggeriet bliver ca. 190 m².",
              "Statikeren har regnet på konstruktionen, og beregningen kan eftersendes, hvis I skal bruge den."],
      ask=["Kan I fortælle, hvor lang sagsbehandlingstiden er lige nu?", "Giv endelig besked, hvis der mangler noget i ansøgningen.",
           "Må vi gå i gang med fundamentet, mens vi venter på tilladelsen?", "Jeg vil gerne ringes op, hvis det er nemmere at forklare over telefonen."],
      ask_business=["Giv endelig besked, hvis der mangler noget i ansøgningen.", "Kan I oplyse den forventede sagsbehandlingstid?"],
      muni_subj=["Din ansøgning om byggetilladelse", "Manglende oplysninger i byggesag", "Partshøring i byggesag"],
      muni=["Vi har modtaget din ansøgning om byggetilladelse. Før vi kan behandle den, mangler vi en målfast situationsplan og snittegninger.",
            "Byggesagen er nu fordelt til en sagsbehandler. Vi forventer at kunne træffe afgørelse inden for 6-8 uger.",
            "Projektet kræver dispensation fra lokalplanens bestemmelse om taghældning, og vi sender derfor sagen i naboorientering i 14 dage."],
      reply=["Hermed de manglende tegninger. Jeg håber, det er det, I skal bruge.",
             "Tak for svaret. Snittegningen kommer fra arkitekten i løbet af ugen.",
             "Vi har rettet taghældningen, så den følger lokalplanen, som I bad om."],
      en={"subj": ["Building permit for an extension", "Question about my building application"],
          "open": ["I recently bought the house at {street} {nr} and would like to build a small extension of about {m2} m2. I do not speak Danish well yet, so I hope it is fine that I write in English.",
                   "We applied for a building permit for a carport in {month_en} and have not heard anything since."],
          "ask": ["Could you tell me which drawings and documents you need from me?", "When can we expect a decision?"]},
      attach=[("pdf", "situationsplan.pdf", "Situationsplan 1:200"), ("pdf", "facadetegninger.pdf", "Facader og snit 1:100"),
              ("txt", "tegningsliste.txt", "drawings")]),
    T("02.34.24", "G01", "Byggeri og Miljø", "Byggearbejder der kan udføres uden byggetilladelse", 9,
      "dit spørgsmål om byggeri uden tilladelse",
      subj={"citizen": ["Hvad må man bygge uden at søge?", "Spørgsmål om byggeri uden tilladelse"]},
      open={"citizen": [
          S("Jeg vil gerne sætte et drivhus på ca. 10 m² op i baghaven og er i tvivl om, hvorvidt det kræver en tilladelse fra kommunen.",
            subj=["Skal jeg søge om tilladelse til et drivhus?", "Drivhus i haven"]),
          S("Vi overvejer at lave en overdækning over terrassen, som bliver bygget sammen med huset på den ene side.",
            subj=["Spørgsmål om overdækning af terrasse", "Overdækket terrasse - skal vi søge?"]),
          S("Min nabo siger, at man frit kan bygge et skur på op til 50 m² uden at spørge nogen. Er det rigtigt?",
            subj=["Hvad må man bygge uden at søge?", "Skur uden byggetilladelse?"],
            detail=["Skuret bliver ikke isoleret og skal kun bruges til cykler og haveredskaber.", "Der er i forvejen en carport på 30 m² på grunden."]),
          S("Vi har fået tilbud på et lille anneks på 14 m², som skal stå ca. en meter fra skellet.",
            subj=["Anneks på 14 m2", "Anneks i haven - tilladelse?"]),
          S("Jeg er ved at bygge et brændeskur langs hækken og vil være sikker på, at jeg overholder reglerne.",
            subj=["Brændeskur i haven - kræver det tilladelse?"]),
      ]},
      detail=["Huset er et almindeligt parcelhus i byzone.", "Der er i forvejen en carport på 30 m² og et redskabsrum på 8 m² på grunden.",
              "Det bliver højst 2,5 m højt på det højeste sted."],
      ask=["Skal jeg anmelde det, eller kan jeg bare gå i gang?", "Gælder der særlige regler om afstand til skel?",
           "Et kort svar er fint, så jeg ved, om jeg skal søge."],
      reply=["Tak for et hurtigt svar. Så placerer jeg det 2,5 meter fra skel.", "Skal jeg så bare sende en tegning bagefter, når det er bygget?"],
      en={"subj": ["Do I need a permit for a garden shed?"],
          "open": ["We would like to put up a garden shed of about 12 m2 in our garden at {street} {nr}, close to the fence."],
          "ask": ["Do we need to apply for anything, or can we just build it?"]}),
    T("01.03.03", "P16", "Byggeri og Miljø", "Udstykning, bebyggelse eller ændret anvendelse i landzone", 9,
      "din ansøgning om landzonetilladelse", kinds={"citizen": 0.6, "business": 0.4}, firms="advice", memo_kle=0.5,
      subj={"citizen": ["Ansøgning om landzonetilladelse"], "business": ["Landzoneansøgning - {street} {nr}"]},
      open={"citizen": [
          S("Vi bor på en mindre landejendom uden for {town} og vil gerne opføre en hestestald med plads til tre heste og et foderrum.",
            subj=["Landzonetilladelse til hestestald", "Ansøgning om landzonetilladelse"]),
          S("Vi ønsker at indrette den gamle kostald til en lille gårdbutik og et værksted og har fået at vide, at det kræver landzonetilladelse.",
            subj=["Ændret anvendelse af gammel kostald", "Gårdbutik i landzone"]),
          S("Jeg har købt en ejendom i det åbne land og vil gerne bygge et nyt hus, hvor det gamle og faldefærdige stuehus står i dag.",
            subj=["Nyt stuehus på landejendom", "Ansøgning om landzonetilladelse"]),
          S("Spejdergruppen vil gerne sætte to shelters og et bålhus op på en mark, vi låner af en landmand ved {street}.",
            subj=["Shelters på lånt mark", "Landzonetilladelse til shelters"],
            detail=["Der er ikke fredninger eller beskyttet natur på arealet, så vidt vi ved.", "Landmanden har givet skriftligt samtykke."]),
      ], "business": [
          S("På vegne af ejeren af {street} {nr} søger vi om tilladelse til at opføre en maskinhal på 400 m² i landzone.",
            subj=["Maskinhal i landzone", "Landzoneansøgning - {street} {nr}"]),
          S("Vi udvikler et mindre solcelleanlæg og vil gerne høre om mulighederne på en lejet mark ved {town}.",
            subj=["Forespørgsel om solcelleanlæg i landzone"], firms="solar",
            detail=["Anlægget bliver på ca. 4 hektar og skærmes af med beplantning.", "Der er ikke fredninger eller beskyttet natur på arealet, så vidt vi ved."]),
          S("Vi rådgiver ejeren af landbrugsejendommen på {street} {nr}, som ønsker at udstykke stuehuset fra jorden.",
            subj=["Udstykning af stuehus - {street} {nr}"], detail=["Jorden forpagtes fortsat ud til naboen."]),
      ]},
      detail=["Bygningen placeres i tilknytning til de eksisterende bygninger på ejendommen.",
              "Der er ikke fredninger eller beskyttet natur på arealet, så vidt vi ved.", "Et kort med den ønskede placering er vedlagt."],
      ask=["Hvor lang tid tager sådan en sag normalt, når der også skal være naboorientering?",
           "Hvad skal en ansøgning indeholde, for at I kan behandle den?", "Kan vi få et forhåndsmøde med en sagsbehandler?"],
      muni_subj=["Naboorientering om landzonetilladelse", "Landzonesag - manglende oplysninger"],
      muni=["Vi har sendt din ansøgning om landzonetilladelse i naboorientering. Fristen for bemærkninger er to uger.",
            "For at kunne vurdere sagen har vi brug for en tegning af bygningens facader og oplysninger om materialer og farver."],
      reply=["Hermed facadetegning og farveprøver. Taget bliver sort ligesom på laden.",
             "Tak. Vi venter så, til naboorienteringen er slut."],
      attach=[("pdf", "kortbilag.pdf", "Kortbilag med placering")]),
    T("09.13.01", "G01", "Byggeri og Miljø", "Rottebekæmpelse", 10, "din anmeldelse af rotter",
      kinds={"citizen": 0.85, "business": 0.15}, firms="rats",
      subj={"citizen": ["Rotter i haven", "Anmeldelse af rotter", "Der er rotter igen!!", "Rotte set"],
            "business": ["Anmeldelse af rotter - {street}", "Rotter ved affaldsgården"]},
      open={"citizen": [
          S("Jeg har de sidste par aftener set en rotte løbe langs hækken og ind under vores skur.", subj=["Rotter under skuret", "Rotter i haven"]),
          S("Der er kommet huller i jorden ved vores kompost, og i morges lå der en død rotte ved skraldespanden.",
            subj=["Rotte set ved kompostbunken", "Anmeldelse af rotter"]),
          "Vi kan høre noget kradse oppe under taget, og vores nabo har set rotter i sin have.",
          S("Det er tredje gang i år, vi har rotter, og jeg tror, de kommer fra en utæt kloak.", subj=["Der er rotter igen!!", "Rotter - igen"]),
      ], "business": [
          "Vi skal anmelde rotter i kælderen ved cykelrummet i vores ejendom på {street} {nr}.",
          "Vi har set tegn på rotter ved affaldsgården bag vores ejendom på {street}.",
      ]},
      detail=["Der er små børn i huset, så vi vil gerne have det løst hurtigt.", "Rotterne ser ud til at komme fra nabogrunden, som står tom.",
              "Vi har ikke selv lagt gift ud.", "Det er bag huset ved regnvandsbrønden."],
      detail_business=["Vi har lukket affaldsgården af og sat nye låg på containerne.", "Beboerne er bekymrede, og flere har klaget til os.",
                       "Vi har en skadedyrsaftale, men den dækker ikke kloakken."],
      ask=["Hvornår kan rottebekæmperen komme forbi?", "Skal jeg selv gøre noget, inden I kommer?",
           "Ring gerne på tlf. {phone}, når I ved, hvornår I kommer.", "Jeg har også anmeldt det på hjemmesiden, men fik ingen kvittering."],
      ask_business=["Hvornår kan rottebekæmperen komme forbi?", "Ring gerne på tlf. {phone}, når I ved, hvornår I kommer."],
      reply=["Tak. Der er ikke set flere rotter siden sidst, men der er kommet et nyt hul ved terrassen."]),
    T("09.18.10", "G01", "Byggeri og Miljø", "Regulering af støjgener", 9, "din klage over støj",
      kinds={"citizen": 0.8, "business": 0.2}, firms="noise",
      subj={"citizen": ["Støjgener på {street}", "Klage over støj"], "business": ["Orientering om støjdæmpende tiltag", "Vedr. naboklage over støj"]},
      open={"citizen": [
          S("Vores nabo har fået sat en luft-til-vand varmepumpe op lige ud for vores soveværelse, og den brummer hele natten.",
            subj=["Klage over støj fra varmepumpe", "Støjende varmepumpe hos naboen"]),
          S("Der ligger et autoværksted på {street}, som kører med trykluftværktøj til langt ud på aftenen og i weekenderne.",
            subj=["Støj fra værksted om aftenen", "Støjgener på {street}"]),
          S("Byggepladsen ved {street} starter maskinerne før klokken seks om morgenen.", subj=["Larm fra byggeplads tidligt om morgenen"]),
          S("Siden foråret har der været en høj, konstant summen fra køleanlægget på supermarkedets tag.",
            subj=["Støj fra køleanlæg", "Klage over støj"]),
      ], "business": [
          "Vi har fået en klage fra en nabo over støj fra vores produktion og vil gerne orientere om de tiltag, vi har sat i gang.",
          "Som opfølgning på jeres brev om støj fra vores kompressor sender vi hermed resultatet af vores egne målinger.",
      ]},
      detail=["Vi har talt med dem flere gange, men der sker ikke noget.", "Det er værst mellem kl. 22 og 6.",
              "Vi har optaget lyden på telefonen, hvis I vil høre den.", "Vi har boet her i 20 år uden problemer indtil nu."],
      detail_business=["Kompressoren er flyttet ind i en lydisoleret container.", "Vi har ændret arbejdstiden, så der ikke køres efter kl. 18.",
                       "En akustiker har målt støjen ved naboskel."],
      ask=["Kan kommunen måle støjen eller gribe ind på anden måde?", "Hvilke regler gælder egentlig for støj i et boligområde?",
           "Jeg håber, I vil se på sagen hurtigst muligt."],
      ask_business=["Vi hører gerne, om kommunen har brug for yderligere dokumentation.", "Vi vil gerne aftale et møde om sagen."],
      muni_subj=["Din klage over støj"],
      muni=["Vi har modtaget din klage over støj og har bedt virksomheden om en redegørelse. Vi vender tilbage, når vi har hørt fra dem."],
      reply=["Det er desværre ikke blevet bedre. I nat var den i gang fra kl. 23 til 5.", "Tak for opfølgningen. Skal jeg føre log over, hvornår det larmer?"],
      attach=[("csv", "stoejlog.csv", "noise")]),
    T("09.08.03", "G01", "Byggeri og Miljø", "Olietanke med et rumindhold under 6000 l, olieforureninger og forsikringspligt", 8,
      "sløjfning af olietank", kinds={"citizen": 0.7, "business": 0.3}, firms="oil",
      subj={"citizen": ["Sløjfning af olietank", "Anmeldelse af sløjfet tank"],
            "business": ["Anmeldelse af sløjfning af olietank, {street} {nr}", "Tankattest - {street} {nr}"]},
      open={"citizen": [
          "Vi har skiftet oliefyret ud med en varmepumpe og har fået tømt og afblændet den gamle nedgravede olietank.",
          S("Da vi gravede ud til en ny terrasse, stødte vi på en gammel olietank, som vi ikke vidste eksisterede.",
            subj=["Gammel olietank fundet i haven", "Olietank - hvad skal vi gøre?"],
            detail=["Der var ingen lugt af olie i jorden omkring tanken.", "Tanken ser ud til at være fra 1970'erne."],
            ask=["Hvad skal vi gøre med den?", "Er der krav om jordprøver?"]),
          S("Jeg skal sælge mit hus, og ejendomsmægleren siger, at olietanken skal være anmeldt som sløjfet.",
            subj=["Olietank - anmeldelse før salg", "Sløjfning af olietank"]),
      ], "business": [
          "Vi har i dag sløjfet en 2.500 liters olietank på {street} {nr} og sender hermed anmeldelsen med tankattest.",
          "På vegne af ejeren af {street} {nr} anmelder vi, at den udendørs olietank er fjernet og bortskaffet.",
      ]},
      detail=["Tanken er tømt af et godkendt firma og fyldt med sand.", "Der var ingen lugt af olie i jorden omkring tanken.",
              "Tanken er fra omkring 1975 og har ikke været brugt i mange år."],
      ask=["Skal der sendes andet end dokumentationen for tømningen?", "Hvordan bliver det registreret, at tanken er sløjfet?",
           "Er der krav om jordprøver?"],
      attach=[("pdf", "tankattest.pdf", "Attest for sloejfning af olietank")]),
    # ---------------------------------------------------------------- Teknik og Vej
    T("05.07.02", "G01", "Teknik og Vej", "Snerydning og glatførebekæmpelse", 10, "vintertjeneste",
      months=[1, 2, 11, 12],
      subj={"citizen": ["Snerydning", "Glat føre"]},
      open={"citizen": [
          S("Det er nu tredje dag, hvor {street} ikke er ryddet for sne, og det er umuligt at komme ud i bil.",
            subj=["Manglende snerydning på {street}", "Vores vej er glemt i snerydningen"], ask=["Hvornår er vores vej med på ruten?", "Kan I sende nogen ud i dag?"]),
          S("Cykelstien mellem {town} og {school} er spejlglat om morgenen, og flere børn er væltet på vej i skole.",
            subj=["Saltning af cykelstien", "Glat cykelsti ved skolen"], ask=["Kan I salte stien, inden børnene skal i skole?"]),
          S("Sneploven har skubbet en stor vold af sne og is op foran vores indkørsel, som vi ikke selv kan fjerne.",
            subj=["Snevold foran indkørslen"], ask=["Kan I sende nogen ud i dag?", "Er det meningen, vi selv skal fjerne den?"]),
          S("Da sneploven kørte forbi i nat, tog den et stykke af vores hæk og kantstenen med.",
            subj=["Sneploven har ødelagt vores hæk"], detail=["Jeg har billeder af skaden, hvis I skal bruge dem."], ask=["Hvem dækker skaden på hækken?"]),
          S("Jeg er 84 år og går med rollator, og fortovet foran butikkerne på {street} er ikke saltet.",
            subj=["Glat fortov på {street}"], ask=["Hvad er reglerne for, hvem der skal rydde fortovet?", "Kan I gøre noget ved det?"]),
      ]},
      detail=["Vejen er en blind vej med 14 huse, og der bor flere ældre.", "Hjemmeplejen har også svært ved at komme frem.",
              "Det er lige ved busstoppestedet."],
      ask=["Kan I sende nogen ud i dag?"]),
    T("05.01.08", "G01", "Teknik og Vej", "Vejvedligeholdelse og vejrenovering", 9, "vejens tilstand",
      subj={"citizen": ["Dårlig vej", "Vejen trænger til reparation"]},
      open={"citizen": [
          S("Der er kommet et stort hul i asfalten på {street} ud for nr. {nr}, og jeg var lige ved at ødelægge en fælg i det.",
            subj=["Hul i asfalten på {street}", "Farligt hul i vejen"], detail=["Hullet er ca. 40 cm bredt og ret dybt.", "Det er især farligt for cyklister, når det er mørkt."],
            ask=["Hvornår bliver det repareret?", "Hvem skal jeg kontakte om erstatning for min fælg?"]),
          S("Vejen ind til {town} er efterhånden fuld af huller efter vinteren.", subj=["Store huller i vejen", "Vejen til {town}"]),
          S("Efter gravearbejdet i efteråret er asfalten sunket, og der står vand på tværs af hele vejen, når det regner.",
            subj=["Vand på vejen efter reparation", "Sunket asfalt på {street}"]),
          S("Kantstenen ved krydset {street}/{street2} er knust, og bilerne kører op over fortovet.", subj=["Ødelagt kantsten"]),
      ]},
      detail=["Det er især farligt for cyklister, når det er mørkt.", "Jeg har stillet en kegle ved det, men den bliver hele tiden væltet."],
      ask=["Hvornår bliver det repareret?", "Kan I sætte skilte op i mellemtiden?"],
      en={"subj": ["Pothole on {street}"], "open": ["There is a large pothole on {street} near number {nr}. I almost crashed my bike in it yesterday."],
          "ask": ["Could someone from the road department take a look?"]}),
    T("05.01.12", "G01", "Teknik og Vej", "Belysning, veje", 8, "gadebelysning",
      subj={"citizen": ["Gadelys virker ikke", "Lygtepæl ude på {street}"]},
      open={"citizen": [
          "Gadelampen ud for {street} {nr} har været slukket i over to uger.",
          S("Tre lygtepæle i træk på stien ned mod {school} er gået ud, og det er helt mørkt, når børnene går hjem fra klub.",
            subj=["Mørkt på stien ved {school}", "Gadelys virker ikke"]),
          S("En lygtepæl på hjørnet af {street} er blevet påkørt og hælder nu faretruende ud over fortovet.",
            subj=["Påkørt lygtepæl", "Lygtepæl hælder - {street}"], detail=["Ledningen i toppen ser ud til at hænge løst."],
            ask=["Kan I komme og sikre den hurtigst muligt?"]),
          S("Lampen ved busstoppet blinker hele natten og lyser direkte ind i vores soveværelse.", subj=["Gadelampe blinker"]),
      ]},
      detail=["Det er pæl nummer {pole} ifølge mærkatet.", "Flere har klaget over det i den lokale Facebook-gruppe."],
      ask=["Kan I få den skiftet?", "Er det jer eller elselskabet, der står for det?", "Det ville være rart med en besked, når den er ordnet."]),
    T("05.09.04", "G01", "Teknik og Vej", "Parkeringskontrol", 9, "din indsigelse mod en parkeringsafgift",
      subj={"citizen": ["Klage over parkeringsafgift", "Indsigelse mod p-afgift", "Parkeringsafgift - fejl", "Kontrolafgift {fine}"]},
      open={"citizen": [
          S("Jeg har fået en parkeringsafgift på 510 kr. på {street} den {date}, men p-skiven lå korrekt i forruden.",
            detail=["Afgiftens nummer er {fine}.", "Jeg har vedhæftet et foto af p-skiven."]),
          "Min bil fik en afgift ved {school}, selv om jeg kun holdt ind et øjeblik for at sætte min søn af.",
          "Jeg har handicapparkeringskort, og det lå synligt i bilen, da jeg fik en afgift.",
          "Skiltningen på pladsen bag rådhuset er meget utydelig, og jeg kunne ikke se, at der var tidsbegrænsning.",
      ]},
      detail=["Afgiftens nummer er {fine}.", "Jeg mener ikke, jeg har gjort noget forkert."],
      ask=["Jeg beder om, at afgiften bliver annulleret.", "Hvordan klager jeg, hvis I fastholder afgiften?",
           "Kan jeg få de billeder, kontrolløren tog af bilen?"],
      muni_subj=["Vedr. din indsigelse - kontrolafgift {fine}"],
      muni=["Vi har behandlet din indsigelse, men fastholder afgiften, da p-skiven var indstillet til et senere tidspunkt end ankomsttidspunktet."],
      reply=["Det er simpelthen ikke korrekt. Jeg ankom kl. 9.40, og det stod der også på skiven.", "Jeg vil gerne klage videre. Hvor sender jeg klagen hen?"],
      en={"subj": ["Appeal of parking fine", "Parking ticket {fine}"],
          "open": ["I received a parking ticket on {street} on {date_en}, although I had a valid parking disc in the window."],
          "ask": ["Please cancel the fine.", "How can I appeal this decision?"]}),
    T("07.18.06", "G01", "Teknik og Vej", "Madaffald / restaffald, indsamlingsordninger", 10, "affaldsindsamling",
      subj={"citizen": ["Affaldsbeholder", "Spørgsmål om affald"]},
      open={"citizen": [
          S("Vores beholder til mad- og restaffald er ikke blevet tømt i denne uge, selv om den stod ude ved vejen fra morgenstunden.",
            subj=["Skraldet er ikke hentet", "Manglende tømning af affaldsbeholder"],
            detail=["Spanden stod ved skellet med håndtaget ud mod vejen, som der står i vejledningen.", "Vores naboer har fået tømt deres."],
            ask=["Kan I sende bilen forbi igen?"]),
          S("Det er anden gang på en måned, at skraldebilen kører forbi vores hus på {street} uden at tømme.",
            subj=["Skraldebilen springer os over", "Skraldet er ikke hentet"], detail=["Det begynder at lugte, og der er fluer overalt."],
            ask=["Kan I sende bilen forbi igen?", "Hvad kan vi gøre, for at det ikke sker igen?"]),
          S("Låget på vores todelte spand er knækket, og nu kommer kragerne og roder i affaldet.", subj=["Ødelagt affaldsspand", "Knækket låg på beholder"],
            ask=["Hvordan får jeg et nyt låg eller en ny spand?"]),
          S("Vi er flyttet ind på {street} {nr}, og der står ingen affaldsbeholdere ved huset.", subj=["Ny beholder til madaffald", "Mangler affaldsbeholdere"],
            ask=["Hvordan bestiller jeg beholdere?"]),
          S("Vi er blevet seks i husstanden og har brug for en større beholder til restaffald.", subj=["Større affaldsbeholder"],
            ask=["Hvad koster det at skifte til en større spand?"]),
      ]},
      detail=[], ask=["Kan I hjælpe?"],
      en={"subj": ["Garbage not collected"], "open": ["Our bins at {street} {nr} were not emptied this week, even though they were by the road in the morning."],
          "ask": ["Can you please send the truck again?"]}),
    T("07.18.10", "G01", "Teknik og Vej", "Storskrald, indsamlingsordning", 8, "din bestilling af storskrald",
      subj={"citizen": ["Bestilling af storskrald", "Spørgsmål om storskrald"]},
      open={"citizen": [
          S("Jeg vil gerne have afhentet en gammel sofa, en kommode og et par madrasser fra {street} {nr}.", subj=["Afhentning af gammel sofa", "Bestilling af storskrald"]),
          S("Vi bestilte afhentning af storskrald til {weekday}, men tingene står der stadig.", subj=["Storskrald ikke afhentet"],
            detail=["Det hele står ved indkørslen og er tydeligt mærket."], ask=["Hvornår kan I hente det?"]),
          "Min mor er flyttet på plejehjem, og vi skal have ryddet hendes hus for møbler og gamle hårde hvidevarer.",
          S("Hvor meget må man stille ud til storskrald ad gangen?", subj=["Spørgsmål om storskrald"], detail=[]),
      ]},
      detail=["Det hele står ved indkørslen og er tydeligt mærket.", "Der er også et gammelt køleskab og en vaskemaskine.",
              "Jeg har ikke bil og kan ikke selv køre på genbrugspladsen."],
      ask=["Hvornår kan I hente det?", "Skal jeg bestille via hjemmesiden?", "Tager I også haveaffald med?"]),
    T("06.01.20", "G01", "Teknik og Vej", "Tømningsordninger", 8, "tømning af din bundfældningstank",
      subj={"citizen": ["Tømning af septiktank", "Ny dato for tømning"]},
      open={"citizen": [
          S("Vi har en bundfældningstank på {street} {nr}, og den skulle være tømt i {week}, men der har ikke været nogen.",
            subj=["Slamsugeren kom ikke", "Tømning af septiktank"], ask=["Kan I finde en ny tid?"]),
          S("Slamsugeren har været her, men chaufføren kunne ikke komme til, fordi dækslet sad fast.",
            subj=["Ny dato for tømning", "Tømning af septiktank"], detail=["Dækslet er nu gravet fri, og hunden er lukket inde på tømningsdagen."],
            ask=["Kan I finde en ny tid?"]),
          S("Vores samletank bliver hurtigt fuld nu, hvor vi er blevet fem i huset, og vi vil gerne høre om hyppigere tømning.",
            subj=["Hyppigere tømning af samletank"], ask=["Hvad koster det at få den tømt oftere?"]),
          S("Jeg har fået en regning for en ekstra tømning, som jeg ikke har bestilt.", subj=["Regning for ekstra tømning"],
            detail=[], ask=["Jeg vil gerne have regningen annulleret."]),
      ]},
      detail=["Tanken ligger i forhaven lige ved indkørslen.", "Vi har sat et rødt flag ved dækslet, så den er let at finde."],
      ask=["Kan I finde en ny tid?"]),
    T("05.12.00", "P19", "Teknik og Vej", "Opgravning, ledningsarbejder mv. i almindelighed", 9, "jeres ansøgning om gravetilladelse",
      kinds={"business": 0.8, "citizen": 0.2}, firms="dig", memo_kle=0.6,
      subj={"business": ["Ansøgning om gravetilladelse - {street}", "Gravearbejde {street} {nr}, {town}"],
            "citizen": ["Gravearbejde foran vores hus", "Hvem graver på {street}?"]},
      open={"business": [
          S("Vi søger hermed om tilladelse til at grave i fortovet på {street} fra nr. {nr} og 60 meter mod syd for at lægge nye fiberrør.",
            subj=["Fiberudrulning i {town} - gravetilladelse", "Ansøgning om gravetilladelse - {street}"]),
          "I forbindelse med omlægning af vandstikket til {street} {nr} skal vi krydse kørebanen og søger derfor om gravetilladelse.",
          S("Arbejdet på {street} er blevet forsinket af vejret, og vi beder om at få forlænget vores gravetilladelse med to uger.",
            subj=["Forlængelse af gravetilladelse"], ask=["Vi vil gerne have svar inden udløbet den {date}."]),
          S("Vi har afsluttet ledningsarbejdet på {street} og har retableret fortov og asfalt.",
            subj=["Retablering efter gravearbejde på {street}", "Færdigmelding - gravearbejde {street}"], detail=[],
            ask=["Hvornår kan I komme ud og se på retableringen?"]),
      ], "citizen": [
          "Der har nu i tre uger været gravet op foran vores hus på {street}, og der sker tilsyneladende ingenting.",
          "Et firma har gravet vores indkørsel op uden varsel, og vi kan ikke komme ud med bilen.",
      ]},
      detail=["Trafikken afvikles i den ene side med skiltning efter godkendt afmærkningsplan.",
              "Arbejdet forventes at tage ca. 10 arbejdsdage.", "Ledningsoplysninger er indhentet."],
      ask=["Vi vil gerne have tilladelsen senest {date}.", "Giv besked, hvis I skal bruge yderligere oplysninger."],
      detail_citizen=["Der er hverken skilte eller afspærring om aftenen.", "Vores ældre nabo kan ikke komme til sin postkasse."],
      ask_citizen=["Hvem har givet tilladelse til det?", "Hvornår bliver vejen lavet færdig?", "Hvem skal jeg klage til?"],
      attach=[("pdf", "afmaerkningsplan.pdf", "Afmaerkningsplan"), ("csv", "arbejdsomraader.csv", "dig")]),
    # ---------------------------------------------------------------- Borgerservice
    T("23.09.02", "G01", "Borgerservice", "Pas", 9, "dit pas",
      subj={"citizen": ["Bestilling af pas", "Tid i borgerservice - pas"]},
      open={"citizen": [
          S("Jeg skal rejse til Thailand i {month} og har opdaget, at mit pas er udløbet.", subj=["Bestilling af pas", "Nyt pas - haster"],
            detail=["Jeg rejser allerede om fem uger."]),
          S("Vi skal have lavet pas til vores datter på {child_age} år og vil gerne vide, om begge forældre skal møde op.", subj=["Pas til barn"],
            detail=[], ask=["Hvad koster et pas til et barn?", "Kan vi bestille tid på hjemmesiden?"]),
          S("Jeg har mistet mit pas på en tur til Berlin og har fået et nødpas på ambassaden.", subj=["Mistet pas"],
            detail=["Jeg har meldt det mistede pas til politiet.", "Jeg har et gyldigt kørekort som legitimation."]),
          S("Jeg bestilte nyt pas for tre uger siden og har endnu ikke fået besked om, at det kan hentes.", subj=["Hvornår er mit pas klar?"],
            detail=[], ask=["Kan pas sendes med posten, eller skal det hentes?", "Hvornår kan jeg hente det?"]),
      ]},
      detail=["Jeg har et gyldigt kørekort som legitimation."],
      ask=["Kan jeg bestille tid på hjemmesiden, eller skal jeg bare møde op?", "Hvor lang er leveringstiden lige nu?"],
      en={"subj": ["Passport appointment"], "open": ["I am a Danish citizen living abroad and will be in {town} in {month_en}. My passport expires soon."],
          "ask": ["Is it possible to book an appointment to renew my passport while I am visiting?"]}),
    T("23.09.04", "G01", "Borgerservice", "Kørekort", 8, "dit kørekort",
      subj={"citizen": ["Kørekort"]},
      open={"citizen": [
          S("Mit kørekort udløber næste måned, og jeg skal have det fornyet.", subj=["Fornyelse af kørekort"], detail=["Jeg er 75 år.", "Jeg har et nyt pasfoto med."]),
          S("Min læge har sendt en erklæring om mit syn, og jeg vil høre, om I har modtaget den, så jeg kan få forlænget mit kørekort.",
            subj=["Kørekort efter lægeerklæring", "Fornyelse af kørekort"]),
          S("Jeg har mistet min pung med kørekortet i og har brug for et nyt hurtigst muligt, da jeg bruger bilen på arbejdet.",
            subj=["Bestilling af duplikatkørekort", "Mistet kørekort"], detail=["Jeg kører for et vognmandsfirma."]),
          S("Jeg er flyttet til Danmark fra Polen og skal have ombyttet mit polske kørekort.", subj=["Udenlandsk kørekort", "Ombytning af kørekort"]),
      ]},
      detail=["Jeg har et nyt pasfoto med."],
      ask=["Skal jeg bestille tid?", "Hvor lang tid tager det?", "Kan jeg køre på det gamle kørekort i mellemtiden?"],
      en={"subj": ["Exchange of foreign driving licence"], "open": ["I moved to Denmark from Lithuania last year and need to exchange my driving licence."],
          "ask": ["Which documents should I bring?"]}),
    T("23.05.10", "G01", "Borgerservice", "Flytteanmeldelse", 9, "din flytteanmeldelse",
      subj={"citizen": ["Flytning", "Adresseændring", "Spørgsmål om flytteanmeldelse"]},
      open={"citizen": [
          S("Jeg er flyttet fra København til {street} {nr} i {town} pr. 1. {month} og kan ikke få flyttemeddelelsen til at virke på borger.dk.",
            subj=["Flytning til {town}", "Flytteanmeldelse virker ikke"], detail=["Jeg har ikke MitID endnu.", "Lejekontrakten er vedhæftet."],
            ask=["Hvordan melder jeg flytningen, når det ikke virker online?", "Skal jeg selv vælge ny læge?"]),
          "Min søn på 19 år er flyttet hjemmefra, men står stadig på vores adresse.",
          S("Der står en person på vores adresse, som vi ikke kender, og som aldrig har boet her.", subj=["Fremmed person på vores adresse"],
            detail=["Vi har boet her siden {year}."], ask=["Kan I fjerne personen fra vores adresse?"]),
          S("Min far er dement og er flyttet på plejehjem, og jeg har fuldmagt til at melde flytningen.", subj=["Flytning til plejehjem"],
            detail=["Fuldmagten er vedhæftet."]),
      ]},
      detail=[], ask=["Hvad skal jeg gøre?", "Kan I hjælpe med det?"],
      en={"subj": ["Registering my new address", "Moving to Egeskov"],
          "open": ["I have just moved to {street} {nr} in {town} to work at a local company. I am from Italy and need to register my address and get a CPR number."],
          "ask": ["Do I need to book an appointment at the citizen service?", "Which papers do I need to bring?"]}),
    T("29.03.12", "G01", "Borgerservice", "Valg af læge og indplacering i sikringsgruppe", 8, "dit lægevalg",
      subj={"citizen": ["Skift af læge", "Sundhedskort og lægevalg"]},
      open={"citizen": [
          S("Jeg vil gerne skifte fra min nuværende læge til en læge i {town}, men alle på listen er lukket for nye patienter.",
            subj=["Lægen tager ikke nye patienter", "Skift af læge"], detail=["Der er 35 km til den læge, jeg står hos nu."]),
          S("Vi er flyttet til kommunen og skal vælge ny læge til hele familien.", subj=["Ny læge efter flytning"], detail=["Vi er to voksne og to børn."]),
          S("Jeg har fået et nyt sundhedskort med en læge, jeg ikke har valgt.", subj=["Forkert læge på sundhedskort"], detail=[]),
          "Min mor på 91 år har brug for en læge tættere på, hvor hun bor nu.",
      ]},
      detail=[], ask=["Kan I hjælpe med at finde en læge med åben tilgang?", "Koster det noget at skifte?", "Hvornår kommer det nye sundhedskort?"],
      en={"subj": ["Choosing a doctor"], "open": ["We recently moved to {town} and need to choose a general practitioner for our family."],
          "ask": ["Can you tell us which doctors accept new patients?"]}),
    T("84.03.07", "G01", "Borgerservice", "Brevstemmeafgivning", 7, "din brevstemme",
      months=[4, 5, 6],
      subj={"citizen": ["Brevstemme", "Hvor kan man brevstemme?"]},
      open={"citizen": [
          S("Jeg er på ferie på valgdagen og vil gerne brevstemme. Hvornår og hvor kan jeg gøre det i {town}?", subj=["Hvor kan man brevstemme?", "Brevstemme"],
            detail=[], ask=["Skal jeg medbringe legitimation?"]),
          S("Min mor bor på {home} og kan ikke komme hen på valgstedet. Kan hun stemme hjemme?", subj=["Brevstemmeafgivning på plejehjem", "Stemme hjemme ved valget"],
            detail=["Hun er ved sine fulde fem og vil gerne stemme."]),
          "Jeg er indlagt på sygehuset frem til efter valget og vil gerne høre, om jeg kan stemme derfra.",
          S("Jeg har brækket benet og kan ikke gå. Kan jeg stemme i min egen bolig?", subj=["Stemme hjemme ved valget"]),
      ]},
      detail=[], ask=["Hvad er fristen for at søge om at stemme hjemme?", "Hvad skal jeg gøre?"]),
    T("23.15.25", "G01", "Borgerservice", "Digital identitet (MitID) - registrering, udstedelse mv.", 8, "dit MitID",
      subj={"citizen": ["Hjælp til MitID", "Kan ikke logge på"]},
      open={"citizen": [
          S("Jeg har fået ny telefon og kan ikke længere logge på med MitID-appen.", subj=["Hjælp til MitID", "Kan ikke logge på"]),
          S("Min mor på 88 år har ingen smartphone og skal have hjælp til at få en kodeviser.", subj=["MitID til min mor", "Kodeviser til MitID"],
            detail=["Hun kan ikke selv komme ind på borgerservice."], ask=["Kan I komme hjem til hende?", "Kan jeg hente den for hende med en fuldmagt?"]),
          S("Mit MitID er blevet spærret, efter jeg tastede forkert adgangskode for mange gange.", subj=["MitID spærret"]),
          "Jeg har fået et brev om, at mit MitID udløber, men jeg forstår ikke, hvad jeg skal gøre.",
      ]},
      detail=["Jeg har pas og kørekort.", "Jeg har prøvet hotlinen, men der er lang ventetid."],
      ask=["Skal jeg bestille tid på rådhuset?", "Hvad skal jeg medbringe?"],
      en={"subj": ["MitID problem"], "open": ["I cannot log in with MitID after changing my phone, and I need to access my Digital Post."],
          "ask": ["Can I get help at the citizen service without an appointment?"]}),
    # ---------------------------------------------------------------- Social og Handicap
    T("27.60.08", "G01", "Social og Handicap", "Mobilitetshjælpemidler", 10, "din ansøgning om hjælpemiddel",
      kinds={"citizen": 0.8, "business": 0.2}, firms="aid", cpr=0.4,
      subj={"citizen": ["Ansøgning om hjælpemiddel"], "business": ["Tilbud på elkørestol", "Vedr. rekvisition fra kommunen"]},
      open={"citizen": [
          S("Jeg har sklerose og kan ikke længere gå mere end få meter, så jeg vil gerne søge om en elkørestol.",
            subj=["Ansøgning om elkørestol", "Ansøgning om hjælpemiddel"]),
          S("Min mand er blevet sendt hjem fra sygehuset efter en hofteoperation og har brug for en rollator og et badetaburet.",
            subj=["Rollator og badetaburet", "Hjælpemidler efter operation"], detail=["Han kan ikke stå op i badet uden støtte."]),
          S("Batteriet i min el-scooter holder kun til 2 km nu, og den trænger til at blive repareret.", subj=["Reparation af el-scooter"],
            detail=["Jeg har brug for den for at kunne handle ind selv."], ask=["Hvem skal jeg kontakte om reparationen?"]),
          S("Jeg fik bevilget en kørestol sidste år, men den er for smal, og jeg får ondt i ryggen af at sidde i den.",
            subj=["Ny kørestol - den gamle passer ikke", "Kørestol"], ask=["Kan en ergoterapeut komme ud og se på det?"]),
      ], "business": [
          S("Vi har været ude hos borgeren på {street} {nr} og afprøvet tre modeller af elkørestole sammen med terapeuten.",
            subj=["Afprøvning af elkørestol - {street} {nr}"]),
          "Vedlagt er vores tilbud på den kørestol, som jeres ergoterapeut bad om efter afprøvningen hos borgeren.",
      ]},
      detail=["Min læge støtter ansøgningen.", "Jeg bor alene og har ingen til at køre mig.",
              "Der er trin op til hoveddøren, så den skal kunne klare en lille rampe."],
      ask=["Hvor lang tid tager det at få svar?", "Kan en ergoterapeut komme ud og se på det?"],
      detail_business=["Borgeren har valgt den model, der kan klare skrå underlag.", "Leveringstiden er ca. tre uger fra bestilling."],
      ask_business=["Vi afventer jeres rekvisition, før vi bestiller.", "Skal vi levere direkte til borgeren?"],
      muni_subj=["Din ansøgning om hjælpemiddel"],
      muni=["Vi har modtaget din ansøgning om et hjælpemiddel. En ergoterapeut vil kontakte dig for at aftale et hjemmebesøg."],
      reply=["Tak. Jeg er hjemme alle dage undtagen torsdag, hvor jeg er til genoptræning.", "Det passer fint, at terapeuten kommer på tirsdag."],
      attach=[("pdf", "tilbud.pdf", "Tilbud paa elkoerestol")]),
    T("27.60.24", "G01", "Social og Handicap", "Boligindretning", 8, "din ansøgning om boligindretning", cpr=0.4,
      subj={"citizen": ["Boligændring", "Ansøgning om boligindretning"]},
      open={"citizen": [
          S("Jeg sidder i kørestol efter en ulykke og kan ikke komme ind og ud af huset, fordi der er tre trin op til hoveddøren.",
            subj=["Ansøgning om rampe", "Boligændring"]),
          S("Vores søn har cerebral parese, og vi har brug for at få lavet badeværelset om, så han kan bades liggende.",
            subj=["Ombygning af badeværelse"]),
          S("Min far kan ikke længere komme op ad trappen til soveværelset og har brug for en trappelift.", subj=["Trappelift til min far"]),
          S("Dørtrinene i lejligheden gør det umuligt at komme rundt med rollatoren.", subj=["Dørtrin skal fjernes"],
            detail=["Boligforeningen har givet lov til ændringerne."]),
      ]},
      detail=["Vi bor i eget hus.", "Vi har fået et overslag fra en tømrer på {amount}."],
      ask=["Hvad kan kommunen give tilskud til?", "Skal vi selv indhente tilbud?", "Hvornår kan en terapeut komme ud og se på boligen?"]),
    T("27.36.12", "G01", "Social og Handicap", "Socialpædagogisk bistand (hjælp, omsorg eller støtte samt genoptræning)", 9,
      "din ansøgning om socialpædagogisk støtte", cpr=0.5,
      subj={"citizen": ["Støtte i hjemmet", "Ansøgning om støtte"]},
      open={"citizen": [
          S("Jeg har ADHD og angst og har svært ved at få åbnet min post og betalt mine regninger, så jeg vil gerne søge om en bostøtte.",
            subj=["Ansøgning om bostøtte", "Støtte i hjemmet"], detail=["Jeg er i behandling i psykiatrien."]),
          S("Vores søn på 23 år har autisme og er lige flyttet i egen lejlighed. Han har brug for hjælp til struktur i hverdagen.",
            subj=["Hjælp til min søn med autisme", "Støtte til vores søn"], detail=["Han kan godt selv, men har brug for nogen, der hjælper med at planlægge ugen."]),
          S("Jeg har fået at vide, at min bostøtte stopper ved månedens udgang, og det er jeg meget bekymret for.", subj=["Min bostøtte stopper"],
            detail=["Jeg er bange for at falde tilbage i gamle mønstre."], ask=["Kan vi få et møde med en rådgiver?", "Kan jeg klage over det?"]),
          S("Min søster har en psykisk sygdom og isolerer sig mere og mere. Jeg tror, hun har brug for en støttekontaktperson.",
            subj=["Støttekontaktperson til min søster"], detail=["Hun har givet mig lov til at skrive til jer."]),
      ]},
      detail=[], ask=["Hvordan søger man?", "Kan vi få et møde med en rådgiver?", "Hvad er det næste, der skal ske?"],
      muni_subj=["Indkaldelse til samtale om støtte"],
      muni=["Vi vil gerne invitere dig til en samtale om dit behov for støtte. Du er velkommen til at tage en bisidder med."],
      reply=["Tak, jeg kommer gerne. Min mor tager med som bisidder.", "Det tidspunkt passer desværre ikke, da jeg er i behandling. Kan vi finde en anden dag?"]),
    T("32.18.08", "G01", "Social og Handicap", "Merudgiftsydelse og kompensationsydelse til voksne", 8, "din ansøgning om merudgifter", cpr=0.6,
      subj={"citizen": ["Ansøgning om dækning af merudgifter", "Merudgifter - ny ansøgning", "Udgifter til medicin og transport"]},
      open={"citizen": [
          "Jeg har en kronisk lungesygdom og har mange ekstra udgifter til medicin, taxa og særlig kost.",
          "Jeg søger hermed om at få dækket mine nødvendige merudgifter som følge af min funktionsnedsættelse.",
          S("Mine udgifter er steget siden sidste beregning, fordi jeg nu skal have vasket tøj flere gange om ugen.", subj=["Genberegning af merudgiftsydelse"]),
          S("Jeg har fået afslag på dækning af merudgifter, men jeg mener, at I har regnet forkert.", subj=["Afslag på merudgifter"],
            ask=["Kan I genberegne ydelsen?", "Hvordan klager jeg?"]),
      ]},
      detail=["En oversigt over mine udgifter det sidste år er vedhæftet.", "Udgifterne er dokumenteret med kvitteringer.", "Jeg er førtidspensionist."],
      ask=["Hvornår kan jeg forvente svar?", "Hvad skal jeg dokumentere?"],
      attach=[("csv", "udgifter.csv", "expenses")]),
    T("32.21.12", "G01", "Social og Handicap", "Hjælp til enkeltudgifter", 8, "din ansøgning om hjælp til en enkeltudgift", cpr=0.6,
      subj={"citizen": ["Ansøgning om økonomisk hjælp", "Enkeltudgift"]},
      open={"citizen": [
          S("Jeg har fået et overslag fra tandlægen på {amount} for en nødvendig behandling og kan ikke selv betale det.",
            subj=["Ansøgning om hjælp til tandlæge"], detail=["Overslaget er vedhæftet.", "Jeg er på kontanthjælp."],
            ask=["Kan beløbet betales direkte til tandlægen?", "Kan jeg få hjælp til udgiften?"]),
          S("Min datter har brug for nye briller, og jeg har ikke råd lige nu.", subj=["Hjælp til briller"], detail=["Jeg er alene med to børn."]),
          S("Mit køleskab er gået i stykker, og jeg har ingen opsparing.", subj=["Ansøgning om økonomisk hjælp"]),
          S("Jeg har fået en lejlighed, men kan ikke betale depositum, før jeg flytter ind.", subj=["Hjælp til depositum"]),
      ]},
      detail=["Jeg er på kontanthjælp.", "Jeg er alene med to børn.", "Jeg har forsøgt at låne i banken uden held."],
      ask=["Kan jeg få hjælp til udgiften?", "Hvad skal jeg sende med ansøgningen?"],
      attach=[("pdf", "overslag.pdf", "Overslag")]),
    # ---------------------------------------------------------------- Børn og Familie
    T("34.10.30", "G01", "Børn og Familie", "Underretninger", 13, "din underretning", cpr=0.5, cpr_citizen=False,
      kinds={"citizen": 0.35, "authority": 0.65}, authorities=["politi", "school", "daycare", "hospital"],
      subj={"citizen": ["Bekymring for et barn", "Underretning"], "authority": ["Underretning vedr. {child}", "Underretning efter barnets lov", "Fortrolig: underretning"]},
      open={"citizen": [
          S("Jeg bor ved siden af en familie på {street}, hvor der ofte er voldsomme skænderier om natten, og jeg hører børnene græde.",
            subj=["Jeg er bekymret for naboens børn", "Bekymring for et barn"]),
          S("Jeg er bekymret for mit barnebarn, som bor hos sin mor. Hun virker beruset, når jeg henter ham.", subj=["Bekymring for mit barnebarn"]),
          "Der er to små børn i opgangen, som ofte går alene rundt ude sent om aftenen uden tøj nok på.",
          S("Jeg vil gerne være anonym, men jeg synes, I skal vide, at drengen i nr. {nr} ofte kommer i skole uden madpakke og med blå mærker.",
            subj=["Underretning", "Bekymring for et barn"], ask=["Jeg håber, I vil se på det."]),
      ], "authority": [
          S("Vi skal hermed underrette om {child} på {child_age} år, som i dag fortalte sin lærer, at far havde slået hende.", by="school",
            subj=["Underretning vedr. elev i {klasse}", "Fortrolig: underretning"]),
          S("Politiet var i nat kaldt ud til en adresse på {street} på grund af husspektakel. Der var to mindreårige børn til stede i hjemmet.",
            by="politi", subj=["Underretning fra politiet", "Underretning - husspektakel"]),
          S("Vi har gennem længere tid været bekymrede for {child}, som har et stort fravær og virker træt og indelukket.", by="school",
            subj=["Bekymringshenvendelse - elev i {klasse}", "Underretning vedr. {child}"]),
          S("{child} blev i går indbragt på skadestuen med et brud på armen, og forklaringen på skaden hænger ikke sammen.", by="hospital",
            subj=["Underretning fra skadestuen", "Underretning vedr. {child}"]),
          S("Vi underretter om {child} i vores børnehave, som ofte bliver hentet af en forælder, der virker påvirket.", by="daycare",
            subj=["Underretning fra børnehaven", "Underretning vedr. {child}"]),
      ]},
      detail=["Jeg har ikke talt med forældrene om det.", "Det har stået på i flere måneder.", "Der er også en lille baby i familien."],
      detail_authority=["Forældrene er orienteret om underretningen.", "Vi har ikke orienteret forældrene, da vi vurderer, at det kan skade barnet.",
                        "Barnet har tidligere været kendt af kommunen.", "Der er også et mindre søskende i hjemmet."],
      ask=["Jeg håber, I vil se på det.", "Jeg vil gerne være anonym.", "Ring endelig, hvis I har spørgsmål."],
      ask_authority=["Vi står gerne til rådighed for et møde.", "Vi vil gerne have en kvittering for modtagelsen.", "Ring endelig, hvis I har spørgsmål."],
      attach=[("txt", "notat.txt", "notat")]),
    T("34.15.25", "G01", "Børn og Familie", "Støttende indsatser", 9, "jeres ønske om støtte til familien", cpr=0.4,
      subj={"citizen": ["Vi har brug for hjælp", "Støtte til familien"]},
      open={"citizen": [
          S("Vi er en familie med tre børn, og vores mellemste på {child_age} år har fået konstateret ADHD. Vi er ved at gå helt ned.",
            subj=["Vi har brug for hjælp", "Ansøgning om familiebehandling"]),
          S("Jeg er alenemor, og min søn på {child_age} år nægter at gå i skole og sidder hele natten ved computeren.",
            subj=["Hjælp til min søn", "Vi har brug for hjælp"], detail=["Skolen er orienteret og bakker op."]),
          S("Vores datter har en udviklingshæmning, og vi har brug for aflastning en weekend om måneden.", subj=["Aflastning til vores datter"],
            detail=["PPR har lavet en udredning."]),
          S("Vi er gået fra hinanden, og konflikterne går ud over børnene. Vi vil gerne have hjælp til at samarbejde.",
            subj=["Støtte til familien", "Hjælp efter skilsmisse"], detail=["Vi har været til samtale ved den åbne rådgivning tidligere."]),
      ]},
      detail=["Skolen er orienteret og bakker op.", "Vi har været til samtale ved den åbne rådgivning tidligere."],
      ask=["Hvordan søger vi?", "Kan vi få en samtale med en rådgiver?", "Hvor lang er ventetiden?"],
      muni_subj=["Invitation til samtale i Børn og Familie"],
      muni=["Tak for jeres henvendelse. Vi vil gerne mødes med jer og drøfte, hvilken støtte der kan hjælpe familien."],
      reply=["Tak. Vi kan begge komme onsdag eftermiddag.", "Det lyder godt. Skal vores søn være med til mødet?"]),
    T("34.30.15", "G01", "Børn og Familie", "Plejefamilier, godkendelse mv.", 7, "jeres interesse for at blive plejefamilie",
      subj={"citizen": ["Vi vil gerne være plejefamilie", "Spørgsmål om at blive plejefamilie", "Interesse for plejefamilie"]},
      open={"citizen": [
          S("Vi har længe talt om at blive plejefamilie og vil gerne vide, hvad det kræver.", detail=["Vi bor på landet med hund og høns."]),
          S("Vores egne børn er flyttet hjemmefra, og vi har plads og tid til at tage et barn i pleje eller være aflastningsfamilie.",
            subj=["Aflastningsfamilie", "Vi vil gerne være plejefamilie"], detail=["Vi har begge fast arbejde, men kan gå ned i tid."]),
          S("Jeg er pædagog og bor alene i et stort hus. Kan man blive plejefamilie som enlig?", subj=["Plejefamilie som enlig?"], detail=[]),
      ]},
      detail=["Vi har begge fast arbejde, men kan gå ned i tid."],
      ask=["Hvem skal vi kontakte?", "Er der et informationsmøde, vi kan deltage i?"]),
    # ---------------------------------------------------------------- Skole og Dagtilbud
    T("28.09.40", "G01", "Skole og Dagtilbud", "Optagelse i dagtilbud / plads i anden kommune / opsigelse", 12, "pladsanvisning",
      memo_kle=0.3,
      subj={"citizen": ["Pladsanvisning", "Plads i dagtilbud"]},
      open={"citizen": [
          S("Vores søn bliver et år i {month}, og vi vil gerne skrive ham op til {inst}.", subj=["Skrivning til vuggestue", "Opskrivning - {inst}"],
            detail=["Han har en storesøster i samme institution.", "Vi bor på {street} i {town}."], ask=["Hvad er ventetiden?", "Kan vi stå på venteliste til flere steder?"]),
          S("Vi flytter til Aarhus og skal opsige vores datters plads i {inst} pr. 1. {month}.", subj=["Opsigelse af plads i børnehave"],
            detail=[], ask=["Hvad er opsigelsesvarslet?"]),
          S("Vi vil gerne have flyttet vores datter fra {inst} til en børnehave tættere på, hvor vi bor nu.", subj=["Ønske om flytning til anden børnehave"],
            detail=["Vi har kun én bil, så afstanden betyder meget."], ask=["Hvornår får vi svar?", "Kan vi stå på venteliste til flere steder?"]),
          S("Jeg skal starte på arbejde efter barsel om seks uger og har stadig ikke fået tilbudt en plads.", subj=["Pasningsgaranti", "Ventetid på vuggestueplads"],
            detail=[], ask=["Hvornår får vi svar?", "Hvad gør I for at overholde pasningsgarantien?"]),
          S("Vi har fået tilbudt en plads i dagplejen, men vi havde ønsket en vuggestue.", subj=["Plads i dagpleje - ønsker vuggestue"],
            ask=["Kan vi takke nej og blive stående på ventelisten?"]),
      ]},
      detail=["Vi bor på {street} i {town}."], ask=["Hvornår får vi svar?"],
      muni_subj=["Tilbud om plads i dagtilbud"],
      muni=["Vi kan tilbyde jeres barn en plads i {inst} fra den 1. {month}. Pladsen skal accepteres inden 14 dage."],
      reply=["Vi takker ja til pladsen.", "Tak, men vi vil hellere vente på en plads i {inst2}. Kan vi blive stående på ventelisten?"],
      en={"subj": ["Daycare for our son", "Kindergarten place"],
          "open": ["We moved to {town} last month and our child, who is {child_age} years old, needs a place in a kindergarten."],
          "ask": ["How do we apply and how long is the waiting time?"]}),
    T("17.20.07", "G01", "Skole og Dagtilbud", "Skoleskift og skoleflytning", 9, "skoleskift",
      subj={"citizen": ["Skoleskift", "Plads på anden skole"]},
      open={"citizen": [
          S("Vores datter går i {klasse} på {school}, men hun bliver mobbet, og vi ønsker, at hun skifter til {school2}.",
            subj=["Ønske om skift til {school2}", "Skoleskift"], detail=["Vi har talt med skolelederen, som bakker op."]),
          S("Vi flytter til {town} i sommerferien og skal have vores to børn skrevet ind på den lokale skole.", subj=["Indskrivning efter flytning"],
            ask=["Hvornår kan de starte?", "Hvem skal vi kontakte på skolen?"]),
          S("Vores søn vil gerne gå på samme skole som sine venner fra fodbold, som ligger uden for vores skoledistrikt.",
            subj=["Plads på anden skole", "Skole uden for distriktet"], detail=["Vi kan selv sørge for transporten."]),
          S("Vi har været på besøg på {school2} og vil gerne søge om plads til vores søn fra næste skoleår.", subj=["Ansøgning om plads på {school2}"]),
      ]},
      detail=["Vi kan selv sørge for transporten."], ask=["Er der plads i klassen?", "Hvem træffer beslutningen?"],
      en={"subj": ["School enrollment for our children"], "open": ["We are moving to {town} from Germany in {month_en} with two children aged 8 and 11."],
          "ask": ["How do we enroll them in the local school, and is there Danish language support?"]}),
    T("17.21.01", "G01", "Skole og Dagtilbud", "Befordring af folkeskoleelever", 8, "skolekørsel",
      subj={"citizen": ["Skolekørsel"]},
      open={"citizen": [
          S("Vores søn skal starte i {klasse} på {school}, og der er over 6 km hjem. Kan han få et buskort?", subj=["Buskort til skolen"],
            ask=["Hvordan søger vi?"]),
          S("Skolebussen fra {town} har tre dage i træk ikke dukket op om morgenen, og børnene står og venter i kulden.",
            subj=["Skolebus kører ikke", "Skolebussen kommer ikke"], detail=[], ask=["Kan I kontakte busselskabet?"]),
          S("Vi mener, at skolevejen ad {street} er farlig for cyklister, og søger derfor om befordring til vores datter.",
            subj=["Ansøgning om fri befordring", "Farlig skolevej"], detail=["Der er ingen cykelsti langs vejen.", "Hun går i {klasse}."]),
          S("Buskortet er ikke blevet fornyet efter sommerferien.", subj=["Buskort ikke fornyet"], detail=[], ask=["Hvornår kommer det nye kort?"]),
      ]},
      detail=[], ask=["Hvordan søger vi?"]),
    T("17.20.03", "G01", "Skole og Dagtilbud", "Fravær fra undervisningen og fritagelse fra fag", 8, "ansøgning om frihed",
      kinds={"citizen": 0.85, "authority": 0.15}, authorities=["school"],
      subj={"citizen": ["Ansøgning om frihed"], "authority": ["Bekymrende fravær - elev i {klasse}"]},
      open={"citizen": [
          S("Vi skal til min søsters bryllup i Tyrkiet og søger om fri til vores to børn i en uge i {month}.", subj=["Frihed til familiefest", "Ansøgning om frihed"],
            detail=["Vi sørger for, at de læser lektier, mens de er væk."]),
          S("Vores datter har fået en knæskade og kan ikke deltage i idræt de næste tre måneder.", subj=["Fritagelse for idræt"],
            detail=["Lægeerklæring er vedhæftet."]),
          S("Vi har fået mulighed for en rejse, som kun kan lade sig gøre uden for skolernes ferie, og søger om frihed i {week}.",
            subj=["Ferie uden for skoleferien", "Ansøgning om frihed"], detail=["Vi sørger for, at de læser lektier, mens de er væk."]),
      ], "authority": [
          "En elev i {klasse} har haft over 15 procent fravær dette skoleår, og vores samtaler med forældrene har ikke hjulpet.",
      ]},
      detail=[], ask=["Kan vi få svar inden for et par uger?", "Hvem skal godkende det, skolen eller kommunen?"],
      detail_authority=["Eleven er ofte fraværende mandage og fredage.", "Forældrene er indkaldt til møde, men mødte ikke op."],
      ask_authority=["Vi vil gerne have sparring om, hvad vi gør nu.", "Vi overvejer at underrette og vil gerne drøfte det med jer først."],
      en={"subj": ["Leave from school"], "open": ["We need to travel to India for a family wedding and ask for leave for our son for two weeks in {month_en}."],
          "ask": ["Who should approve this?"]}),
    # ---------------------------------------------------------------- Jobcenter
    T("15.17.06", "G01", "Jobcenter", "Sygedagpengeopfølgning", 12, "din sygedagpengesag", cpr=0.6,
      kinds={"citizen": 0.65, "business": 0.35}, firms="employer",
      subj={"citizen": ["Opfølgningssamtale - sygemeldt", "Sygedagpenge"],
            "business": ["Sygemeldt medarbejder - fastholdelsesplan", "Vedr. medarbejder på sygedagpenge"]},
      open={"citizen": [
          S("Jeg er sygemeldt med stress og har fået indkaldelse til samtale på jobcentret, men jeg har det så dårligt, at jeg ikke kan komme.",
            subj=["Jeg kan ikke komme til samtalen", "Opfølgningssamtale - sygemeldt"], ask=["Kan samtalen foregå over telefonen?"]),
          S("Jeg har været sygemeldt efter en rygoperation siden {date} og vil gerne høre, om jeg kan starte delvist på arbejde.",
            subj=["Delvis raskmelding", "Sygedagpenge"]),
          S("Jeg er blevet raskmeldt af min læge og starter på fuld tid igen på mandag.", subj=["Raskmelding"], detail=[],
            ask=["Skal jeg gøre mere end at skrive til jer?"]),
          S("Jeg har fået et brev om, at mine sygedagpenge stopper, men jeg er stadig i behandling.", subj=["Sygedagpenge stopper", "Sygedagpenge"],
            ask=["Hvad skal jeg gøre nu?", "Kan jeg klage over det?"]),
      ], "business": [
          "Vores medarbejder har været sygemeldt i seks uger, og vi vil gerne i gang med en plan for, hvordan hun kan vende tilbage.",
          S("Vi har udfyldt mulighedserklæringen sammen med medarbejderen og sender den hermed til jer.", subj=["Mulighedserklæring"]),
          S("Vi vil gerne aftale et rundbordsmøde om en af vores medarbejdere, som har været sygemeldt længe.", subj=["Ønske om rundbordsmøde"]),
      ]},
      detail=["Min læge har skrevet en erklæring, som er vedhæftet.", "Jeg går til psykolog hver anden uge.", "Jeg arbejder som sosu-assistent."],
      detail_business=["Vi kan tilbyde nedsat tid og skånehensyn.", "Hun arbejder i vores produktion.", "Medarbejderen er indforstået med, at vi kontakter jer."],
      ask=["Hvad skal jeg gøre nu?", "Hvornår hører jeg fra jer?"],
      ask_business=["Hvornår kan vi holde et møde?", "Hvem er sagsbehandler på sagen?", "Kan vi få refusion fra første sygedag?"],
      muni_subj=["Indkaldelse til opfølgningssamtale"],
      muni=["Du er indkaldt til en opfølgningssamtale om din sygemelding. Samtalen foregår på jobcentret, og du er velkommen til at tage en bisidder med."],
      reply=["Jeg kan desværre ikke komme den dag, da jeg skal til scanning. Kan vi flytte samtalen?", "Tak, jeg kommer. Skal jeg medbringe noget?"],
      attach=[("pdf", "laegeerklaering.pdf", "Laegeerklaering")]),
    T("15.18.05", "G01", "Jobcenter", "Virksomhedspraktik", 10, "virksomhedspraktik", kinds={"business": 0.6, "citizen": 0.4},
      firms="employer", memo_kle=0.4,
      subj={"business": ["Virksomhedspraktik"], "citizen": ["Ønske om praktik"]},
      open={"business": [
          S("Vi har plads til en praktikant i vores lager i 8 uger og hører gerne, om I har en kandidat.", subj=["Praktikplads til ledig", "Tilbud om virksomhedspraktik"]),
          S("Praktikken med jeres borger går rigtig godt, og vi vil gerne forlænge den med fire uger.", subj=["Forlængelse af praktik"], detail=[]),
          S("Vedlagt er den underskrevne praktikaftale for perioden fra 1. {month}.", subj=["Praktikaftale - underskrevet"], detail=[],
            ask=["Giv besked, hvis der mangler noget."]),
          S("Vi er en mindre virksomhed, der gerne vil hjælpe ledige i gang, og kan tilbyde praktik i kundeservice.", subj=["Tilbud om virksomhedspraktik"]),
      ], "citizen": [
          S("Jeg har talt med {firm}, som gerne vil have mig i praktik, og jeg vil høre, hvordan vi kommer videre.", subj=["Praktik hos {firm}"]),
          S("Min praktik stoppede pludseligt, fordi virksomheden ikke havde mere arbejde.", subj=["Min praktik er stoppet"], detail=[]),
          "Jeg vil gerne i praktik inden for anlægsgartneri, da jeg har erfaring fra mit tidligere job.",
      ]},
      detail=["Jeg har kørekort og egen bil.", "Jeg kan starte med det samme."],
      detail_business=["Arbejdstiden er 25 timer om ugen.", "Vi har en fast kontaktperson til praktikanten."],
      ask=["Hvem er min kontaktperson?", "Hvad skal jeg gøre for at komme i gang?"],
      ask_business=["Hvem er kontaktperson hos jer?", "Kan vi holde et opstartsmøde?", "Hvad skal vi udfylde?"],
      attach=[("csv", "timeregistrering.csv", "hours"), ("pdf", "praktikaftale.pdf", "Praktikaftale")]),
    T("15.20.24", "G01", "Jobcenter", "Fleksjob", 9, "fleksjob", cpr=0.5, kinds={"citizen": 0.7, "business": 0.3}, firms="employer",
      subj={"citizen": ["Fleksjob", "Spørgsmål om fleksløntilskud"], "business": ["Ansættelse i fleksjob", "Fleksjobaftale"]},
      open={"citizen": [
          "Jeg er visiteret til fleksjob og har fået tilbudt en stilling på 12 timer om ugen hos en lokal bager.",
          S("Jeg har været i fleksjob i to år og kan godt klare flere timer nu.", subj=["Ændring af timer i fleksjob"]),
          S("Min løn i fleksjobbet er blevet nedsat, og jeg forstår ikke beregningen af tilskuddet.", subj=["Spørgsmål om fleksløntilskud"], detail=[],
            ask=["Hvordan bliver tilskuddet beregnet?"]),
      ], "business": [
          "Vi vil gerne ansætte en medarbejder i fleksjob i vores administration og hører, hvordan aftalen skal laves.",
          S("Vores medarbejder i fleksjob har fået nedsat sin arbejdstid fra 15 til 10 timer, og vi sender hermed den nye aftale.",
            subj=["Ændret arbejdstid - fleksjob"]),
      ]},
      detail=["Arbejdsopgaverne er tilpasset mine skånehensyn.", "Jeg har stadig smerter, hvis jeg arbejder mere end tre timer ad gangen."],
      detail_business=["Lønnen aftales efter overenskomst.", "Medarbejderen får faste opgaver i receptionen."],
      ask=["Hvornår kan jeg starte?", "Hvad skal jeg gøre nu?"],
      ask_business=["Hvem skal underskrive aftalen?", "Hvordan bliver tilskuddet beregnet?"]),
    T("32.24.04", "G01", "Jobcenter", "Hjælp til forsørgelse (kontanthjælp mv.)", 10, "din ansøgning om kontanthjælp", cpr=0.6,
      subj={"citizen": ["Kontanthjælp"]},
      open={"citizen": [
          S("Jeg er blevet fyret og har ikke ret til dagpenge, så jeg vil gerne søge om kontanthjælp.", subj=["Ansøgning om kontanthjælp"],
            ask=["Skal jeg udfylde en blanket?", "Hvad skal jeg gøre nu?"]),
          S("Min kontanthjælp er ikke blevet udbetalt denne måned, og jeg har ikke penge til husleje.", subj=["Kontanthjælp - mangler udbetaling"],
            detail=[], ask=["Hvornår bliver pengene udbetalt?"]),
          S("Jeg har fået et deltidsjob på 10 timer om ugen og skal vel oplyse det til jer?", subj=["Ændring i min indtægt"],
            detail=["Mine lønsedler er vedhæftet."]),
          S("Jeg vil gerne holde en uges ferie i {month} og vil høre, om det påvirker min kontanthjælp.", subj=["Ferie på kontanthjælp"], detail=[]),
          S("Min kæreste er flyttet ind hos mig, og jeg ved ikke, hvad det betyder for min ydelse.", subj=["Samlever og kontanthjælp"], detail=[]),
      ]},
      detail=["Jeg er tilmeldt som jobsøgende på jobnet.", "Jeg har ikke andre indtægter."],
      ask=["Hvad skal jeg gøre nu?", "Skal jeg udfylde en blanket?"],
      muni_subj=["Manglende oplysninger til din ansøgning om hjælp"],
      muni=["For at kunne behandle din ansøgning om hjælp til forsørgelse mangler vi kontoudtog fra de seneste tre måneder."],
      reply=["Hermed kontoudtog fra min bank.", "Jeg har ikke andre konti end den, I allerede kender."],
      attach=[("csv", "kontoudtog.csv", "bank")]),
    T("15.18.10", "G01", "Jobcenter", "Ansættelse med løntilskud", 8, "ansættelse med løntilskud",
      kinds={"business": 0.75, "citizen": 0.25}, firms="employer",
      subj={"business": ["Ansættelse med løntilskud", "Løntilskudsaftale"], "citizen": ["Løntilskudsjob"]},
      open={"business": [
          "Vi vil gerne ansætte en ledig med løntilskud som lagermedarbejder i seks måneder.",
          S("Vi har ikke modtaget refusion for løntilskud for {month} og vil høre, om der mangler noget fra os.", subj=["Refusion af løntilskud"], detail=[]),
          S("Vedlagt er timesedlerne for vores medarbejder i løntilskud for den seneste måned.", subj=["Timeseddel - løntilskud"], detail=[],
            ask=["Giv besked, hvis I skal bruge mere."]),
      ], "citizen": [
          "Jeg har fundet en arbejdsplads, der vil ansætte mig med løntilskud, og vil høre, hvordan det foregår.",
          S("Mit løntilskudsjob stopper om en måned, og arbejdsgiveren har ikke råd til at fastansætte mig.", subj=["Mit løntilskud stopper"]),
      ]},
      detail=["Jeg har været ledig i over et år.", "Jeg trives rigtig godt på arbejdspladsen."],
      detail_business=["Medarbejderen er ansat på overenskomstmæssige vilkår.", "Vi har ikke haft afskedigelser i de seneste måneder."],
      ask=["Hvad er næste skridt?", "Kan løntilskuddet forlænges?"],
      ask_business=["Hvordan søger vi refusionen?", "Hvad er næste skridt?", "Kan løntilskuddet forlænges?"],
      attach=[("csv", "timeregistrering.csv", "hours")]),
    # ---------------------------------------------------------------- Ældre og Sundhed
    T("27.36.04", "G01", "Ældre og Sundhed", "Personlig og praktisk hjælp", 11, "din ansøgning om hjemmehjælp", cpr=0.5,
      subj={"citizen": ["Ansøgning om hjemmehjælp", "Hjemmehjælp"]},
      open={"citizen": [
          S("Min mor på 87 år bor alene på {street} og kan ikke længere klare rengøringen eller tage bad selv.",
            subj=["Hjælp til rengøring og bad", "Ansøgning om hjemmehjælp"], detail=["Hun er faldet to gange i badet.", "Jeg bor selv 200 km væk og kan ikke hjælpe hver dag."]),
          S("Jeg er blevet opereret i skulderen og har brug for hjælp til at komme i tøjet morgen og aften i et par uger.",
            subj=["Midlertidig hjælp efter operation"], detail=[]),
          S("Hjemmehjælperen er ikke kommet de sidste to gange, og ingen har ringet og sagt det.", subj=["Klage over hjemmeplejen"],
            detail=[], ask=["Hvem kan jeg klage til?", "Hvad er der sket?"]),
          S("Min far får hjælp én gang om ugen, men han er blevet dårligere og har brug for hjælp hver dag.", subj=["Min far har brug for mere hjælp"],
            detail=["Han har lettere demens."], ask=["Kan en visitator komme på besøg?", "Hvordan søger man om mere hjælp?"]),
          S("Vi skal på ferie i {week} og vil gerne aflyse hjælpen i den periode.", subj=["Aflysning af hjemmehjælp"], detail=[],
            ask=["Skal jeg give besked til andre end jer?"]),
      ]},
      detail=[], ask=["Kan en visitator komme på besøg?", "Hvordan søger man om mere hjælp?"],
      muni_subj=["Afgørelse om hjemmehjælp"],
      muni=["Du er bevilget hjælp til rengøring hver 14. dag samt hjælp til bad to gange om ugen."],
      reply=["Tak for afgørelsen. Men hjælpen til bad er ikke nok, hun kan ikke klare sig med to gange om ugen.", "Hvornår starter hjælpen?"],
      en={"subj": ["Home help for my father"], "open": ["My father lives alone in {town} and is no longer able to clean or shop on his own. I live in Sweden and cannot help him every week."],
          "ask": ["How can we apply for home help?"]}),
    T("27.42.08", "G01", "Ældre og Sundhed", "Plejebolig, plejehjem eller beskyttet bolig (visitation og anvisning)", 9,
      "ansøgning om plejebolig", cpr=0.5, kinds={"citizen": 0.85, "authority": 0.15}, authorities=["stps"],
      subj={"citizen": ["Ansøgning om plejebolig"], "authority": ["Orientering om tilsyn på {home}"]},
      open={"citizen": [
          S("Min mor har Alzheimer og kan ikke længere bo alene. Vi vil gerne søge om en plejebolig til hende.",
            subj=["Ansøgning om plejebolig", "Plejebolig til min mor"], detail=["Hun vandrer om natten og har gået ud uden tøj på.", "Egen læge støtter ansøgningen."]),
          S("Min far står på venteliste til {home} og har ventet i fire måneder. Hvor langt er han nede på listen?",
            subj=["Venteliste til plejehjem"], detail=["Hjemmeplejen kommer fire gange i døgnet."], ask=["Hvor lang er ventetiden?"]),
          S("Min mand og jeg har været gift i 60 år og vil gerne bo sammen, selv om det kun er ham, der har brug for plejebolig.",
            subj=["Plejebolig til ægtepar"]),
          S("Vi har fået tilbudt en plejebolig på {home2}, men vi ønskede {home}.", subj=["Ønske om plads på {home}"], detail=[],
            ask=["Kan vi takke nej og blive stående på ventelisten?"]),
      ], "authority": [
          "Styrelsen har den {date} gennemført et tilsyn på {home} og sender hermed tilsynsrapporten til orientering.",
      ]},
      detail=["Egen læge støtter ansøgningen."], ask=["Hvor lang er ventetiden?", "Hvad koster det at bo der?", "Kan vi komme og se boligen først?"],
      detail_authority=["Tilsynet gav anledning til påbud om medicinhåndtering.", "Styrelsen følger op med et nyt tilsyn inden for seks måneder."]),
    T("27.36.24", "G01", "Ældre og Sundhed", "Madservice", 7, "madservice",
      subj={"citizen": ["Madordning", "Madservice"]},
      open={"citizen": [
          S("Min far kan ikke længere lave mad selv og vil gerne have leveret mad hver dag.", subj=["Bestilling af mad udefra", "Madordning"],
            detail=["Han er diabetiker."]),
          S("Maden fra madservice er ofte kold, når den kommer, og portionerne er meget små.", subj=["Klage over maden"], detail=[],
            ask=["Hvem skal jeg kontakte?", "Kan I gøre noget ved det?"]),
          S("Min mor skal på aflastning i to uger og skal derfor ikke have mad leveret i den periode.", subj=["Afbestilling af mad"], detail=[],
            ask=["Hvem skal jeg give besked?"]),
      ]},
      detail=[], ask=["Hvordan bestiller vi?", "Hvad koster en portion?"]),
    T("29.21.04", "G01", "Ældre og Sundhed", "Genoptræning efter sundhedsloven", 10, "genoptræning", cpr=0.5,
      kinds={"citizen": 0.5, "authority": 0.3, "business": 0.2}, authorities=["hospital"], firms="clinic",
      subj={"citizen": ["Genoptræning", "Hvornår starter min genoptræning?"], "authority": ["Genoptræningsplan"],
            "business": ["Genoptræning for kommunen", "Ledig kapacitet - genoptræning"]},
      open={"citizen": [
          S("Jeg fik nyt knæ på sygehuset for tre uger siden og har fået en genoptræningsplan, men ingen har kontaktet mig.",
            subj=["Genoptræning efter knæoperation", "Hvornår starter min genoptræning?"]),
          S("Jeg vil gerne tage min genoptræning hos en privat fysioterapeut i stedet for på sundhedscentret.", subj=["Frit valg - genoptræning"],
            ask=["Kan jeg vælge det selv?"]),
          "Jeg er faldet og har brækket håndleddet og er blevet sendt hjem med besked om, at kommunen ringer.",
      ], "authority": [
          S("Vedlagt genoptræningsplan for patient udskrevet fra ortopædkirurgisk afdeling efter hofteoperation.", subj=["Genoptræningsplan", "Udskrivelse - genoptræning"]),
          S("Patienten er udskrevet i dag efter behandling for et brud på overarmen og har behov for almindelig genoptræning.", subj=["Genoptræningsplan"]),
      ], "business": [
          "Vi har ledig kapacitet og kan tilbyde genoptræning af borgere med ventetid hos kommunen.",
      ]},
      detail=["Jeg har svært ved at komme til og fra træningen.", "Jeg må ikke belaste benet fuldt de første uger."],
      detail_authority=["Planen skal påbegyndes inden for 7 dage.", "Patienten er informeret om planen og ønsker træning tæt på bopælen."],
      detail_business=["Vi har overenskomst med regionen.", "Vi har erfaring med genoptræning efter hofte- og knæoperationer."],
      ask=["Hvornår kan jeg starte?", "Hvem skal jeg kontakte?"],
      ask_business=["Vi hører gerne, om kommunen er interesseret i en aftale.", "Hvem kan vi tale med om det?"]),
    # ---------------------------------------------------------------- Økonomi
    T("25.02.01", "G01", "Økonomi", "Grundskyld", 9, "din ejendomsskat", kinds={"citizen": 0.8, "authority": 0.2}, authorities=["skat"],
      subj={"citizen": ["Spørgsmål til ejendomsskattebillet", "Grundskyld"], "authority": ["Ændret grundværdi - {street} {nr}", "Meddelelse om ny vurdering"]},
      open={"citizen": [
          S("Vores grundskyld er steget med næsten 30 procent, selv om vi ikke har lavet noget om på grunden.", subj=["Grundskyld er for høj"],
            ask=["Hvordan klager man over grundskylden?"]),
          S("Jeg har solgt mit hus pr. 1. {month}, men jeg har stadig fået en opkrævning for ejendomsskat for hele året.",
            subj=["Fejl i opkrævning af ejendomsskat"], detail=["Skødet blev tinglyst i {month}."], ask=["Kan I rette det?"]),
          S("Jeg har fået at vide, at jeg skal have penge tilbage for for meget betalt grundskyld. Hvornår bliver de udbetalt?",
            subj=["Tilbagebetaling af grundskyld"], ask=["Skal jeg selv gøre noget?"]),
          S("Der er en fejl på min ejendomsskattebillet, hvor der står det forkerte matrikelnummer.", subj=["Fejl på ejendomsskattebillet"],
            ask=["Kan I rette det?"]),
      ], "authority": [
          "Der er truffet afgørelse om ændret grundværdi for ejendommen beliggende {street} {nr}, hvilket kan have betydning for den kommunale grundskyld.",
      ]},
      detail=["Ejendomsnummeret er {ejd}."], ask=["Kan I rette det?"],
      detail_authority=["Ejendomsnummeret er {ejd}.", "Afgørelsen er sendt til ejeren samme dag."]),
    T("25.45.10", "G01", "Økonomi", "Opkrævning af fordringer", 10, "din gæld til kommunen",
      kinds={"citizen": 0.7, "business": 0.15, "authority": 0.15}, firms="employer", authorities=["gaeld"],
      subj={"citizen": ["Spørgsmål til regning"], "business": ["Fejl i opkrævning"], "authority": ["Tilbagesendelse af fordring"]},
      open={"citizen": [
          S("Jeg har fået en rykker på {amount}, men jeg betalte regningen den {date}.", subj=["Rykker - jeg har betalt"],
            detail=["Betalingen er sket via netbank.", "Jeg har vedhæftet dokumentation."], ask=["Kan I annullere rykkeren?"]),
          S("Jeg skylder kommunen penge for en regning, men jeg kan ikke betale det hele på én gang. Kan jeg få en afdragsordning?",
            subj=["Afdragsordning", "Kan ikke betale regningen"], detail=["Jeg kan betale 500 kr. om måneden."], ask=["Hvordan laver jeg en aftale?"]),
          S("Jeg har fået et rykkergebyr på 100 kr., selv om jeg aldrig har modtaget den første regning.", subj=["Rykkergebyr"], detail=[],
            ask=["Kan I annullere gebyret?"]),
          S("Jeg forstår ikke, hvad regningen fra kommunen dækker over.", subj=["Spørgsmål til regning"], detail=[], ask=["Hvem kan jeg tale med om det?"]),
      ], "business": [
          "Vi har modtaget en opkrævning fra Egeskov Kommune, som vi mener er sendt til den forkerte virksomhed.",
          S("Vi har betalt jeres faktura på {amount}, men har nu fået en rykker for samme beløb.", subj=["Rykker på betalt faktura"],
            detail=["Beløbet er indbetalt til jeres konto den {date}."]),
      ], "authority": [
          "Den fordring, kommunen har oversendt til inddrivelse, mangler oplysninger om stiftelsesdato og forældelse.",
      ]},
      detail=[], ask=["Hvem kan jeg tale med om det?"],
      detail_business=["Fakturanummeret er {fine}."], ask_business=["Kan I rette det?", "Hvem kan vi tale med om sagen?"],
      detail_authority=["Fordringen returneres, indtil oplysningerne er på plads."],
      attach=[("csv", "betalinger.csv", "payments")]),
    T("32.45.10", "Ø30", "Økonomi", "Tilbagebetalingskrav - sociale ydelser", 9, "tilbagebetalingskrav", cpr=0.6,
      kinds={"citizen": 0.8, "authority": 0.2}, authorities=["udk"],
      subj={"citizen": ["Krav om tilbagebetaling", "Tilbagebetaling af for meget udbetalt ydelse"],
            "authority": ["Tilbagebetalingssag", "Oversendelse - tilbagebetaling"]},
      open={"citizen": [
          S("Jeg har fået et brev om, at jeg skal betale {amount} tilbage, fordi jeg har fået for meget udbetalt.", ask=["Kan kravet nedsættes?", "Hvordan klager jeg?"]),
          S("Jeg er uenig i kravet om tilbagebetaling, fordi jeg har oplyst om min indtægt hele tiden.", subj=["Klage over tilbagebetalingskrav"],
            detail=["Jeg gav besked om mit nye job med det samme."], ask=["Hvordan klager jeg?"]),
          S("Jeg betaler 800 kr. om måneden af på et krav, men har mistet mit job og kan ikke fortsætte.", subj=["Nedsættelse af afdrag"],
            detail=["Jeg har to børn at forsørge."], ask=["Kan afdraget sættes ned?"]),
      ], "authority": [
          "Vi har i forbindelse med kontrol af en ydelse konstateret, at der er sket en fejludbetaling, og fremsender hermed sagen til kommunens vurdering.",
      ]},
      detail=["Jeg har to børn at forsørge."], ask=["Kan kravet nedsættes?"],
      detail_authority=["Fejludbetalingen vedrører perioden fra 1. {month} til udgangen af året."]),
    T("88.00.00", "G01", "Økonomi", "Kommunens indkøb og udbud i almindelighed", 8, "udbud og indkøb",
      kinds={"business": 1.0}, firms="supplier",
      subj={"business": ["Henvendelse til indkøb"]},
      open={"business": [
          S("Vi ønsker at byde på jeres udbud af rengøring og har et spørgsmål til kravene om kvalitetsmåling.", subj=["Spørgsmål til udbud"],
            detail=["Vi har leveret til flere kommuner i regionen."], ask=["Hvornår er fristen for spørgsmål?"]),
          S("Vi har leveret kontorartikler til rådhuset i {month}, men fakturaen er stadig ikke betalt.", subj=["Faktura - manglende betaling"],
            detail=["Fakturanummeret er {fine}."], ask=["Kan I oplyse status på betalingen?"]),
          S("Vi er en lokal virksomhed inden for grøn pleje og vil gerne præsentere os for jeres indkøbsafdeling.", subj=["Præsentation af vores virksomhed"],
            detail=["Vi har leveret til flere kommuner i regionen."], ask=["Hvem er den rette at kontakte?"]),
          S("Vi skal fakturere for et konsulentarbejde og mangler det rigtige EAN-nummer.", subj=["EAN-nummer til fakturering"], detail=[],
            ask=["Kan I oplyse EAN-nummeret og en reference?"]),
      ]},
      detail=[], ask=["Hvem er vores kontaktperson?"]),
    # ---------------------------------------------------------------- Jura og Sekretariat
    T("00.07.03", "A53", "Jura og Sekretariat", "Aktindsigt - forvaltningsprincipper", 11, "din anmodning om aktindsigt",
      kinds={"citizen": 0.6, "business": 0.4}, firms="law",
      subj={"citizen": ["Anmodning om aktindsigt", "Aktindsigt i min sag", "Indsigt i dokumenter"],
            "business": ["Anmodning om aktindsigt"]},
      open={"citizen": [
          S("Jeg vil gerne have aktindsigt i alle dokumenter i byggesagen på naboejendommen, {street} {nr}.",
            subj=["Aktindsigt - byggesag på naboejendom", "Anmodning om aktindsigt"]),
          S("Jeg beder hermed om aktindsigt i min sag om hjemmehjælp, herunder notater fra visitationen.", subj=["Aktindsigt i min sag"]),
          "Jeg ønsker aktindsigt i korrespondancen mellem kommunen og grundejerforeningen om vejen.",
      ], "business": [
          S("Som journalist på lokalavisen anmoder jeg om aktindsigt i kommunens aftaler med konsulentfirmaer i {year}.",
            subj=["Anmodning om aktindsigt", "Aktindsigt - konsulentaftaler"], detail=["Jeg henviser til offentlighedsloven."], firms="press"),
          S("På vegne af vores klient anmoder vi om aktindsigt i sagen om påbud vedrørende {street} {nr}.", subj=["Aktindsigt - vores klient"],
            detail=["Fuldmagt er vedhæftet."]),
          S("Vi anmoder om aktindsigt i evalueringen af tilbuddene i udbuddet, hvor vi ikke blev tildelt kontrakten.", subj=["Aktindsigt i tilbudsevaluering"],
            detail=["Vi henviser til offentlighedsloven."], firms="supplier"),
      ]},
      detail=["Jeg henviser til offentlighedsloven.", "Jeg vil gerne have dokumenterne elektronisk."],
      ask=["Jeg ser frem til at høre fra jer inden for 7 arbejdsdage.", "Kan I bekræfte modtagelsen?"],
      attach=[("pdf", "fuldmagt.pdf", "Fuldmagt")]),
    T("23.25.10", "G01", "Jura og Sekretariat", "Den registreredes indsigtsret", 8, "din anmodning om indsigt", cpr=0.5,
      subj={"citizen": ["Indsigt efter databeskyttelsesforordningen", "Hvilke oplysninger har I om mig?", "Anmodning om registerindsigt", "GDPR-indsigt"]},
      open={"citizen": [
          "Jeg vil gerne vide, hvilke personoplysninger kommunen har registreret om mig, og hvem de er videregivet til.",
          "Jeg anmoder om indsigt i alle oplysninger, som I behandler om mig og mine børn.",
          "I forbindelse med min gamle sag i jobcentret vil jeg gerne have en kopi af de oplysninger, I har om mig.",
      ]},
      detail=["Jeg har boet i kommunen siden {year}.", "Jeg vil gerne have svaret sendt til min digitale postkasse."],
      ask=["Kan I bekræfte modtagelsen?", "Hvor lang tid tager det?"],
      en={"subj": ["Request for access to my personal data"], "open": ["Under Article 15 of the GDPR, I request a copy of all personal data that Egeskov Municipality holds about me."],
          "ask": ["Please confirm receipt of this request."]}),
    T("00.07.15", "G01", "Jura og Sekretariat", "God forvaltningsskik", 8, "din klage over sagsbehandlingen",
      kinds={"citizen": 0.8, "authority": 0.2}, authorities=["ombud"],
      subj={"citizen": ["Klage over sagsbehandling"], "authority": ["Henvendelse fra borger - anmodning om udtalelse", "Sag om lang sagsbehandlingstid"]},
      open={"citizen": [
          S("Jeg har nu skrevet til kommunen fire gange om min sag uden at få et eneste svar.", subj=["Ingen svar på mine henvendelser", "Klage over sagsbehandling"]),
          S("Jeg vil klage over den måde, jeg blev talt til på, da jeg ringede til kommunen i sidste uge.", subj=["Klage over en medarbejder"],
            detail=[]),
          S("Min sag har nu ligget hos jer i otte måneder, og jeg får hver gang at vide, at den bliver behandlet.", subj=["Lang sagsbehandlingstid"]),
      ], "authority": [
          "Ombudsmanden har modtaget en klage fra en borger over kommunens sagsbehandlingstid og beder om en udtalelse.",
      ]},
      detail=["Det er ikke i orden, at man som borger skal vente så længe.", "Jeg har gemt alle mails."],
      ask=["Jeg forventer et svar inden for rimelig tid.", "Hvem er ansvarlig for min sag?", "Hvordan klager jeg videre?"],
      ask_authority=["Ombudsmanden beder om kommunens udtalelse inden fire uger.", "Kommunen bedes samtidig sende sagens akter."]),
]

# --------------------------------------------------------------------------------------
# Generic pieces.
# --------------------------------------------------------------------------------------

GREET_DA = ["Hej", "Hej med jer", "Kære Egeskov Kommune", "Til rette vedkommende", "Goddag", "Hej {unit}", "Kære medarbejder",
            "Hejsa", "Godmorgen", "Hej Egeskov Kommune"]
GREET_FORMAL = ["Til Egeskov Kommune, {unit}", "Att. {unit}", "Kære {unit}", "Til rette vedkommende"]
CLOSE_DA = ["Med venlig hilsen", "Venlig hilsen", "Mvh", "Hilsen", "De bedste hilsner", "Mvh.", "Vh"]
THANKS_DA = ["På forhånd tak.", "Tak for hjælpen.", "Jeg håber at høre fra jer snart.", "Jeg ser frem til jeres svar.", "Tak på forhånd!"]
GREET_EN = ["Hello", "Dear Sir or Madam", "Hi", "Good morning", "To whom it may concern"]
CLOSE_EN = ["Kind regards", "Best regards", "Thank you", "Many thanks", "Best wishes"]
REPLY_OPEN = ["Tak for jeres svar.", "Tusind tak for hurtigt svar.", "Tak for brevet.", "Hej igen.", "Jeg vender tilbage angående nedenstående.",
              "Tak for din mail.", ""]
FORWARD_NOTE_CITIZEN = ["Jeg sendte nedenstående til forkert adresse og har fået at vide, at jeg skal sende det til jer.",
                        "Videresender min tidligere mail, som jeg ikke har fået svar på.",
                        "Se venligst nedenstående. Jeg har ikke hørt noget endnu.",
                        "Jeg prøver igen, da jeg ikke har fået en kvittering."]
FORWARD_NOTE_INTERNAL = ["Denne kom ind i {from_unit}, men hører vist til hos jer. Kan I tage den?",
                         "Videresendt fra {from_unit}. Borgeren har ringet og spurgt til den.",
                         "Til jeres behandling.",
                         "Hej, jeg tror, denne er jeres. Den er landet i vores postkasse."]
MOBILE_SIG = ["Sendt fra min iPhone", "Sendt fra min iPad", "Hent Outlook til Android", "Sendt fra min Samsung Galaxy-smartphone."]
DISCLAIMER = ("Denne e-mail kan indeholde fortrolige oplysninger. Hvis du ikke er den rette modtager, bedes du slette den "
              "og give afsender besked.")
AUTH_ASK = ["Vi beder kommunen bekræfte modtagelsen.", "Spørgsmål kan rettes til undertegnede.",
            "Vi ser frem til kommunens tilbagemelding.", "Kommunen bedes oplyse, hvem der er sagsbehandler på sagen."]
CPR_LINES = ["Mit cpr-nr. er {cpr}.", "CPR: {cpr}", "Cpr-nummer: {cpr}", "Mit personnummer er {cpr}.", "(cpr {cpr})"]
CHILD_CPR_LINES = ["Barnets cpr-nr.: {child_cpr}", "{child} har cpr-nummer {child_cpr}.", "Vedr. {child}, cpr {child_cpr}"]

# --------------------------------------------------------------------------------------
# Dates.
# --------------------------------------------------------------------------------------

START = dt.datetime(2024, 1, 8, 7, 0)
END = dt.datetime(2025, 2, 28, 22, 0)


def last_sunday(year, month):
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    while d.weekday() != 6:
        d -= dt.timedelta(days=1)
    return d


def utc_offset(local):
    """Copenhagen: +0200 between the last Sundays of March and October, else +0100."""
    start = dt.datetime.combine(last_sunday(local.year, 3), dt.time(2, 0))
    end = dt.datetime.combine(last_sunday(local.year, 10), dt.time(3, 0))
    return 2 if start <= local < end else 1


def office_time(rng, before, min_days, max_days):
    """A working-hours moment `min_days`..`max_days` before `before` (a letter from the municipality)."""
    day = (before - dt.timedelta(days=rng.randint(min_days, max_days))).date()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.randint(0, 59)))


def rfc2822(local):
    off = utc_offset(local)
    return f"{EN_DAYS[local.weekday()]}, {local.day:02d} {EN_MONTHS[local.month - 1]} {local.year} {local:%H:%M:%S} +0{off}00"


def danish_date(d):
    return f"{d.day}. {MONTHS[d.month - 1]}"


def random_time(rng, months=None):
    while True:
        span = int((END - START).total_seconds())
        t = START + dt.timedelta(seconds=rng.randrange(span))
        if months and t.month not in months:
            continue
        # Mostly working hours, some evenings and weekends.
        if t.weekday() >= 5 and rng.random() < 0.7:
            continue
        if not (7 <= t.hour <= 22) or (t.hour >= 17 and rng.random() < 0.5):
            continue
        return t


# --------------------------------------------------------------------------------------
# Encodings.
# --------------------------------------------------------------------------------------


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def latin1_safe(s):
    for a, b in (("–", "-"), ("—", "-"), ("…", "..."), ("’", "'"), ("“", '"'), ("”", '"'), ("€", "EUR")):
        s = s.replace(a, b)
    return s


def encoded_words(s, charset, mode):
    """RFC 2047 encoded words, split on character boundaries so each stays under 75 chars."""
    out, cur = [], ""
    prefix = f"=?{charset}?{mode}?"

    def enc(text):
        raw = text.encode(charset)
        if mode == "B":
            return base64.b64encode(raw).decode()
        q = ""
        for b in raw:
            c = chr(b)
            if c == " ":
                q += "_"
            elif c.isalnum() and b < 128:
                q += c
            else:
                q += f"={b:02X}"
        return q

    for ch in s:
        if len(prefix) + len(enc(cur + ch)) + 2 > 75:
            out.append(prefix + enc(cur) + "?=")
            cur = ""
        cur += ch
    if cur:
        out.append(prefix + enc(cur) + "?=")
    return "\n ".join(out)


def header_text(s, charset, rng, raw_ok):
    if is_ascii(s):
        return s
    if raw_ok and rng.random() < 0.06:
        return s  # raw 8-bit header, as some clients still send
    cs = "UTF-8" if charset == "utf-8" else "ISO-8859-1"
    if rng.random() < 0.5:
        cs = cs.lower()
    return encoded_words(s, cs, "B" if rng.random() < 0.45 else "Q")


def address_header(name, addr, charset, rng, raw_ok):
    if not name:
        return addr
    if is_ascii(name):
        if any(c in name for c in ",.()&"):
            return f'"{name}" <{addr}>'
        return f"{name} <{addr}>" if rng.random() < 0.6 else f'"{name}" <{addr}>'
    return f"{header_text(name, charset, rng, raw_ok)} <{addr}>"


def body_bytes(text, charset, cte):
    raw = text.encode(charset)
    if cte == "quoted-printable":
        return quopri.encodestring(raw)
    if cte == "base64":
        return base64.encodebytes(raw)
    return raw


# --------------------------------------------------------------------------------------
# Attachments.
# --------------------------------------------------------------------------------------


def tiny_pdf(text):
    """A small, structurally valid one-page PDF showing `text` (ASCII)."""
    text = text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def csv_text(kind, rng, ctx):
    rows = []
    if kind == "expenses":
        rows.append(["dato", "udgift", "beløb"])
        for item in rng.sample(["Medicin (egenbetaling)", "Taxa til behandling", "Særlig kost", "Ekstra tøjvask",
                                "Håndsæbe og creme", "Parkering ved sygehus", "Fodterapi"], 4):
            rows.append([f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", item, f"{rng.randint(60, 1400)},{rng.choice(['00', '50', '95'])}"])
    elif kind == "hours":
        rows.append(["uge", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "i alt"])
        for w in range(rng.randint(10, 40), 0, -1)[:4]:
            days = [rng.choice([0, 4, 5, 6, 7]) for _ in range(5)]
            rows.append([str(w)] + [str(d) for d in days] + [str(sum(days))])
    elif kind == "bank":
        rows.append(["bogført", "tekst", "beløb", "saldo"])
        saldo = rng.randint(200, 4000)
        for text in ["Husleje", "Netto", "Overførsel", "Telefon", "Ydelse Egeskov Kommune"]:
            amount = rng.randint(-6000, -50) if text != "Ydelse Egeskov Kommune" else rng.randint(9000, 13000)
            saldo += amount
            rows.append([f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", text, f"{amount},00", f"{saldo},00"])
    elif kind == "payments":
        rows.append(["dato", "reference", "beløb"])
        for _ in range(3):
            rows.append([f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", f"FI-{rng.randint(10000000, 99999999)}", f"{rng.randint(100, 3000)},00"])
    elif kind == "noise":
        rows.append(["dato", "fra", "til", "bemærkning"])
        for _ in range(4):
            h = rng.randint(21, 23)
            rows.append([f"2024-{rng.randint(4, 9):02d}-{rng.randint(1, 28):02d}", f"{h}:{rng.choice(['00', '15', '30'])}", f"0{rng.randint(1, 5)}:00",
                         rng.choice(["brummen", "høj summen", "banken", "kan ikke sove"])])
    elif kind == "dig":
        rows.append(["strækning", "længde_m", "type", "start"])
        for _ in range(3):
            rows.append([f"{rng.choice(STREETS)} {rng.randint(1, 60)}-{rng.randint(61, 120)}", str(rng.randint(20, 180)),
                         rng.choice(["fortov", "rabat", "kørebane"]), danish_date(ctx["_time"])])
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerows(rows)
    return buf.getvalue()


def txt_attachment(kind, topic, rng, ctx):
    if kind == "drawings":
        return "Tegningsliste\n\n1. Situationsplan 1:200\n2. Plan 1:100\n3. Facader 1:100\n4. Snit A-A 1:50\n"
    if kind == "notat":
        opening = scenario(rng.choice(topic["open"].get("authority", topic["open"]["citizen"])))
        details = topic.get("detail_authority") or topic["detail"]
        return "Notat\n\n" + fill(opening["text"], ctx) + "\n\n" + fill(rng.choice(details), ctx) + "\n"
    pool = topic["detail"] or ["Bilag vedrørende " + topic["what"] + "."]
    return fill(rng.choice(pool), ctx) + "\n"


# --------------------------------------------------------------------------------------
# Text assembly.
# --------------------------------------------------------------------------------------


class Ctx(dict):
    def __missing__(self, key):
        raise KeyError(f"template placeholder {{{key}}} has no value")


def fill(template, ctx):
    return template.format_map(ctx)


def typo(text, rng):
    words = [i for i, w in enumerate(text.split(" ")) if len(w) >= 6 and w.isalpha()]
    if not words:
        return text
    parts = text.split(" ")
    i = rng.choice(words)
    w = parts[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif kind < 0.7:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    parts[i] = w
    return " ".join(parts)


def no_danish_letters(text):
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        text = text.replace(a, b)
    return text


def pick(rng, items, k):
    k = min(k, len(items))
    return rng.sample(items, k)


def choose_kind(topic, rng):
    r, acc = rng.random(), 0.0
    for kind, w in topic["kinds"].items():
        acc += w
        if r < acc:
            return kind
    return list(topic["kinds"])[-1]


# --------------------------------------------------------------------------------------
# One message.
# --------------------------------------------------------------------------------------


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.egeskov_cvr = invented_cvr(self.rng)
        self.firm_cvr = {}
        self.counts = {}

    # ---- people
    def person(self, foreign=False):
        rng = self.rng
        if foreign:
            first, last = rng.choice(FOREIGN_FIRST), rng.choice(FOREIGN_LAST)
        else:
            first = rng.choice(FIRST_F if rng.random() < 0.55 else FIRST_M)
            last = rng.choice(LAST)
            if rng.random() < 0.1:
                last = rng.choice([n for n in LAST if n != last]) + " " + last
        f, l = ascii_fold(first), ascii_fold(last)
        yy = rng.randint(45, 99) % 100
        domain = rng.choice(["gmail.com", "gmail.com", "hotmail.dk", "hotmail.com", "outlook.dk", "live.dk", "yahoo.dk", "mail.dk"])
        local = rng.choice([f"{f}.{l}", f"{f}{l}", f"{f}.{l}{yy:02d}", f"{f[0]}{l}", f"{f}_{l}{rng.randint(1, 99)}", f"{f}{yy:02d}"])
        return {"first": first, "last": last, "name": f"{first} {last}", "addr": f"{local}@{domain}", "domain": domain}

    def firm(self, group):
        name = self.rng.choice(FIRMS[group])
        slug = ascii_fold(name.replace(" ApS", "").replace(" A/S", "").replace(" I/S", ""))[:24]
        if name not in self.firm_cvr:
            self.firm_cvr[name] = invented_cvr(self.rng)
        return {"firm": name, "domain": slug + ".dk", "cvr": self.firm_cvr[name]}

    def staff(self, unit):
        first, last = self.rng.choice(UNITS[unit]["staff"])
        return {"first": first, "name": f"{first} {last}", "addr": f"{ascii_fold(first)}.{ascii_fold(last)}@{DOMAIN}"}

    # ---- context for templates
    def context(self, topic, t):
        rng = self.rng
        other = self.person()
        worker = self.staff(topic["unit"])
        child_age = rng.randint(1, 15)
        born = 2024 - child_age
        yy = rng.choice([t.year - 1, t.year, t.year]) % 100
        sbsys = f"{topic['kle']}-{topic['facet']}-{rng.randint(1, 240)}-{yy:02d}"
        return Ctx({
            "street": rng.choice(STREETS), "street2": rng.choice(STREETS), "nr": str(rng.randint(1, 88)) + rng.choice(["", "", "", "A", "B"]),
            "town": rng.choice(TOWNS), "m2": str(rng.randint(16, 48)), "date": danish_date(t - dt.timedelta(days=rng.randint(3, 40))),
            "date_en": f"{rng.randint(1, 28)} {EN_MONTHS[rng.randint(0, 11)]}", "month": rng.choice(MONTHS),
            "month_en": rng.choice(["January", "March", "May", "June", "August", "October"]),
            "week": f"uge {rng.randint(2, 50)}", "weekday": rng.choice(WEEKDAYS[:5]), "child": rng.choice(CHILDREN),
            "child_age": str(child_age), "child_cpr": invented_cpr(rng, born), "school": rng.choice(SCHOOLS), "school2": rng.choice(SCHOOLS),
            "inst": rng.choice(DAYCARE), "inst2": rng.choice(DAYCARE), "home": rng.choice(HOMES), "home2": rng.choice(HOMES),
            "other": other["name"], "worker_first": worker["first"], "worker": worker["name"], "worker_addr": worker["addr"],
            "phone": rng.choice(PHONES), "pole": f"{rng.randint(1, 9)}{rng.randint(100, 999)}", "fine": str(rng.randint(1000000, 9999999)),
            "amount": f"{rng.randint(1, 24)}.{rng.randint(0, 9)}{rng.choice(['00', '50', '75'])} kr.", "year": str(rng.randint(1998, 2022)),
            "klasse": f"{rng.randint(0, 9)}.{rng.choice('abc')}", "ejd": f"{rng.randint(100, 999)}-{rng.randint(10000, 99999)}",
            "caseno": sbsys, "jnr": rng.choice([f"{t.year}-{rng.randint(1000, 99999):06d}", f"{t.year % 100}/{rng.randint(100, 39999)}"]),
            "unit": topic["unit"], "firm": self.firm(topic.get("firms", "employer"))["firm"], "_time": t,
        })

    # ---- body text
    def sign_citizen(self, who, ctx, english):
        rng = self.rng
        close = rng.choice(CLOSE_EN if english else CLOSE_DA)
        name = who["name"] if rng.random() < 0.8 else who["first"]
        lines = [close, name]
        if rng.random() < 0.3:
            lines.append(f"{ctx['street']} {ctx['nr']}, {ctx['town']}")
        if rng.random() < 0.2:
            lines.append(("Tlf. " if not english else "Phone: ") + rng.choice(PHONES))
        sig = "\n".join(lines)
        if rng.random() < 0.12:
            sig += "\n\n" + rng.choice(MOBILE_SIG)
        return sig

    def sign_business(self, who, firm, ctx):
        rng = self.rng
        title = rng.choice(["Indehaver", "Projektleder", "Administrationschef", "HR-konsulent", "Direktør", "Konstruktør", "Bogholder", ""])
        lines = [rng.choice(CLOSE_DA), "", who["name"]]
        if title:
            lines.append(title)
        lines.append(firm["firm"])
        if rng.random() < 0.7:
            lines.append(f"{rng.choice(STREETS)} {rng.randint(1, 40)}, {rng.choice(TOWNS)}")
        lines.append(rng.choice(["CVR-nr. ", "CVR: ", "CVR ", "Cvr.nr.: "]) + firm["cvr"])
        if rng.random() < 0.6:
            lines.append("Tlf. " + rng.choice(PHONES))
        lines.append("www." + firm["domain"])
        sig = "\n".join(lines)
        if rng.random() < 0.25:
            sig += "\n\n" + DISCLAIMER
        return sig

    def sign_authority(self, who, org, ctx):
        rng = self.rng
        name, _domain, titles = org
        lines = [rng.choice(["Med venlig hilsen", "Venlig hilsen"]), "", who["name"], rng.choice(titles)]
        if name:
            lines.append(name)
        lines.append("Direkte tlf. " + rng.choice(PHONES))
        return "\n".join(lines)

    def compose(self, topic, kind, sc, ctx, who, english, firm=None, org=None):
        """The new text of a message: greeting, topic sentences, identifiers, sign-off."""
        rng = self.rng
        paras = []
        if english:
            en = topic["en"]
            if rng.random() < 0.85:
                paras.append(rng.choice(GREET_EN) + ",")
            paras.append(fill(rng.choice(en["open"]), ctx))
            paras.append(fill(rng.choice(en["ask"]), ctx))
            if rng.random() < 0.4:
                paras.append("Thank you in advance.")
            return paras, self.sign_citizen(who, ctx, True)
        formal = kind in ("business", "authority")
        greet = rng.random()
        if greet < 0.75:
            g = fill(rng.choice(GREET_FORMAL if formal and rng.random() < 0.6 else GREET_DA), ctx)
            paras.append(g + rng.choice([",", "", "!"]) if not formal else g)
        length = rng.choice(["short", "normal", "normal", "long"])
        body = [fill(sc["text"], ctx)]
        nd = {"short": 0, "normal": 1, "long": 2}[length]
        details = sc["detail"] if sc["detail"] is not None else topic.get("detail_" + kind) or ([] if kind == "authority" else topic["detail"])
        body += [fill(d, ctx) for d in pick(rng, details, nd)]
        if length == "short" or rng.random() < 0.5:
            paras.append(" ".join(body))
        else:
            paras.extend(body)
        # Identifiers a real letter carries.
        if kind == "citizen" and topic.get("cpr_citizen", True) and rng.random() < topic.get("cpr", 0.0):
            if topic["unit"] in ("Børn og Familie", "Skole og Dagtilbud") and rng.random() < 0.7:
                paras.append(fill(rng.choice(CHILD_CPR_LINES), ctx))
            else:
                paras.append(fill(rng.choice(CPR_LINES), ctx))
        if kind == "authority" and topic.get("cpr", 0) > 0 and rng.random() < 0.7:
            paras.append(fill(rng.choice(CHILD_CPR_LINES if topic["unit"] == "Børn og Familie" else CPR_LINES), ctx))
        if kind == "authority" and rng.random() < 0.8:
            paras.append(rng.choice(["Vores j.nr. ", "Vores ref.: ", "J.nr. ", "Sagsnr.: "]) + ctx["jnr"])
        if kind != "authority" and rng.random() < 0.1:
            paras.append(rng.choice(["Jeres j.nr. ", "Sagsnr. ", "Jeres ref.: "]) + ctx["caseno"])
        ask_pool = sc["ask"] if sc["ask"] is not None else topic.get("ask_" + kind) or (AUTH_ASK if kind == "authority" else topic["ask"])
        asks = pick(rng, ask_pool, 1 if length != "long" else 2)
        paras.append(" ".join(fill(a, ctx) for a in asks))
        if rng.random() < 0.35:
            paras.append(rng.choice(THANKS_DA))
        if kind == "business":
            sig = self.sign_business(who, firm, ctx)
        elif kind == "authority":
            sig = self.sign_authority(who, org, ctx)
        else:
            sig = self.sign_citizen(who, ctx, False)
        # Human variation: a typo now and then, a foreign keyboard, all lower case.
        r = rng.random()
        if kind == "citizen" and r < 0.12:
            i = rng.randrange(len(paras))
            paras[i] = typo(paras[i], rng)
        elif kind == "citizen" and r < 0.16:
            paras = [no_danish_letters(p) for p in paras]
        elif kind == "citizen" and r < 0.19 and length == "short":
            paras = [p.lower() for p in paras]
        return paras, sig

    def muni_letter(self, topic, ctx, who_name):
        rng = self.rng
        generic = [
            "Tak for din henvendelse vedrørende {what}. Vi har oprettet en sag med sagsnummer {caseno}, som du bedes henvise til, hvis du skriver til os igen.",
            "Vi har modtaget din henvendelse om {what} og vender tilbage, så snart vi har set på sagen.",
        ]
        sentences = [fill(s, ctx) for s in topic.get("muni", [])]
        if not sentences or rng.random() < 0.3:
            sentences.append(fill(rng.choice(generic).replace("{what}", topic["what"]), ctx))
        text = f"Kære {who_name}\n\n" + " ".join(pick(rng, sentences, 2))
        if "{caseno}" not in text and ctx["caseno"] not in text:
            text += f"\n\nSagsnummer: {ctx['caseno']}"
        text += f"\n\nMed venlig hilsen\n\n{ctx['worker']}\n{topic['unit']}\n{MUNICIPALITY}"
        return text

    def muni_subject(self, topic, ctx):
        subjects = topic.get("muni_subj") or ["Vedr. " + topic["what"], "Din henvendelse"]
        s = fill(self.rng.choice(subjects), ctx)
        form = self.rng.random()
        if form < 0.3:
            s += " - sagsnr. " + ctx["caseno"]
        elif form < 0.5:
            s += " (sag " + ctx["caseno"] + ")"
        elif form < 0.65:
            s += " [" + ctx["caseno"] + "]"
        return s

    # ---- the message
    def message(self, topic, index):
        rng = self.rng
        t = random_time(rng, topic.get("months"))
        ctx = self.context(topic, t)
        kind = choose_kind(topic, rng)
        english = kind == "citizen" and "en" in topic and rng.random() < 0.14
        sc = scenario(rng.choice(topic["open"].get(kind) or topic["open"]["citizen"]))
        firm = org = None
        if kind == "business":
            firm = self.firm(sc["firms"] or topic.get("firms", "employer"))
            p = self.person()
            local = rng.choice([ascii_fold(p["first"]), ascii_fold(p["first"])[0] + ascii_fold(p["last"])[:3], "info", "kontakt", "post"])
            who = {"first": p["first"], "name": p["name"], "addr": f"{local}@{firm['domain']}"}
            ctx["firm"] = firm["firm"]
        elif kind == "authority":
            key = sc["by"] or rng.choice(topic["authorities"])
            org = AUTHORITIES[key]
            p = self.person()
            dom = org[1]
            local = ascii_fold(p["first"])[:3] + ascii_fold(p["last"])[:3] + str(rng.randint(1, 99)) if key == "politi" else \
                f"{ascii_fold(p['first'])}.{ascii_fold(p['last'])}"
            if key in ("school", "daycare"):
                org = (rng.choice(SCHOOLS) if key == "school" else rng.choice(DAYCARE), DOMAIN, org[2])
            who = {"first": p["first"], "name": p["name"], "addr": f"{local}@{dom}"}
        else:
            who = self.person(foreign=english)
        ctx["cpr"] = invented_cpr(rng, rng.randint(1940, 2004) if kind != "business" else 1970)

        channel = "memo" if kind in ("citizen", "business") and not english and rng.random() < 0.11 else "mail"
        if channel == "mail" and topic.get("memo_kle", 0) > 0 and kind == "business" and rng.random() < 0.25:
            channel = "memo"
        paras, sig = self.compose(topic, kind, sc, ctx, who, english, firm, org)
        subj_list = topic["en"]["subj"] if english else sc["subj"] or topic["subj"].get(kind) or topic["subj"]["citizen"]
        subject = fill(rng.choice(subj_list), ctx)
        if channel == "memo":
            return self.memo(topic, kind, ctx, who, firm, subject, paras, sig, t)
        return self.mail(topic, kind, ctx, who, subject, paras, sig, t, english)

    # ---- e-mail
    def mail(self, topic, kind, ctx, who, subject, paras, sig, t, english):
        rng = self.rng
        unit = topic["unit"]
        charset = "utf-8" if rng.random() < 0.72 else "iso-8859-1"
        if english and rng.random() < 0.7:
            charset = "utf-8"
        # Reply to a letter from the municipality, a forward, or a new message.
        r = rng.random()
        mode = "new"
        if r < 0.2 and kind != "authority":
            mode = "reply"
        elif r < 0.28:
            mode = "forward_internal" if rng.random() < 0.55 else "forward"
        to_box = rng.choice(UNITS[unit]["boxes"])
        to_addr = f"{to_box}@{DOMAIN}"
        roll = rng.random()
        if roll < 0.45:
            to_addr = f"post@{DOMAIN}"
        elif roll < 0.53:
            other_unit = rng.choice([u for u in UNITS if u != unit])
            to_addr = f"{UNITS[other_unit]['boxes'][0]}@{DOMAIN}"
        to_name = None
        headers_extra = []
        sender_name, sender_addr = who["name"], who["addr"]

        new_text = "\n\n".join(paras + [sig])
        quoted = None  # (style, attribution lines, text)
        if mode == "reply":
            muni_subj = self.muni_subject(topic, ctx)
            when = office_time(rng, t, 1, 25)
            letter = self.muni_letter(topic, ctx, who["name"])
            greet = rng.random() < 0.3
            rtext = rng.choice([r for r in REPLY_OPEN if not (greet and r.startswith("Hej"))])
            lines = [rtext] if rtext else []
            lines.append(fill(rng.choice(topic.get("reply") or topic["ask"]), ctx))
            if rng.random() < 0.4 and not topic.get("reply"):
                lines.append(fill(rng.choice(topic["ask"]), ctx))
            close = rng.choice(CLOSE_DA)
            new_text = " ".join(lines) + "\n\n" + close + "\n" + who["first"]
            if greet:
                new_text = rng.choice(["Hej " + ctx["worker_first"], "Kære " + ctx["worker"]]) + "\n\n" + new_text
            subject = rng.choice(["SV: ", "Re: ", "RE: ", "Sv: "]) + muni_subj
            to_addr = ctx["worker_addr"] if rng.random() < 0.6 else to_addr
            to_name = ctx["worker"] if to_addr == ctx["worker_addr"] else None
            orig_id = f"<{uuid.UUID(int=rng.getrandbits(128), version=4)}@{DOMAIN}>"
            headers_extra += [f"In-Reply-To: {orig_id}", f"References: {orig_id}"]
            quoted = ("reply", when, ctx["worker"], ctx["worker_addr"], muni_subj, who, letter)
        elif mode == "forward":
            when = office_time(rng, t, 2, 30) if kind != "citizen" else t - dt.timedelta(days=rng.randint(2, 30), minutes=rng.randint(0, 600))
            wrong = f"{rng.choice(['borgerservice', 'post', 'info', 'kontakt'])}@{DOMAIN}"
            orig_subject = subject
            subject = rng.choice(["VS: ", "Fwd: ", "Fw: ", "VS: "]) + subject
            note = rng.choice(FORWARD_NOTE_CITIZEN)
            quoted = ("forward", when, who["name"], who["addr"], orig_subject, {"name": None, "addr": wrong}, new_text)
            new_text = note + "\n\n" + rng.choice(CLOSE_DA) + "\n" + who["first"]
        elif mode == "forward_internal":
            when = t - dt.timedelta(days=rng.randint(0, 6), minutes=rng.randint(30, 600))
            from_unit = rng.choice([u for u in UNITS if u != unit])
            colleague = self.staff(from_unit)
            orig_subject = subject
            subject = rng.choice(["VS: ", "Fwd: ", "VS: "]) + subject
            orig_to = f"{UNITS[from_unit]['boxes'][0]}@{DOMAIN}"
            quoted = ("forward", when, who["name"], who["addr"], orig_subject, {"name": None, "addr": orig_to}, new_text)
            new_text = fill(rng.choice(FORWARD_NOTE_INTERNAL).replace("{from_unit}", from_unit), ctx) + "\n\nVh\n" + colleague["name"]
            sender_name, sender_addr = colleague["name"], colleague["addr"]
            to_addr = f"{rng.choice(UNITS[unit]['boxes'])}@{DOMAIN}"
            headers_extra.append(f"X-MS-Exchange-Organization-AuthAs: Internal")
        if charset == "iso-8859-1":
            subject = latin1_safe(subject)
            new_text = latin1_safe(new_text)
            if quoted:
                quoted = tuple(latin1_safe(q) if isinstance(q, str) else q for q in quoted)

        # Body structure.
        s = rng.random()
        attach = []
        usable = [a for a in topic.get("attach", []) if not (a[2] == "notat" and kind != "authority")]
        if usable and rng.random() < 0.35:
            attach.append(rng.choice(usable))
        elif rng.random() < 0.04:
            attach.append(("txt", "bilag.txt", "plain"))
        if s < 0.55:
            structure = "plain"
        elif s < 0.7:
            structure = "html"
        else:
            structure = "alternative"
        client = rng.choice(["outlook", "gmail", "apple", "webmail"])
        plain_text, html_text = self.render(new_text, quoted, client, charset, rng)
        if structure == "plain":
            cte = rng.choice(["8bit", "quoted-printable", "quoted-printable", "base64"]) if not is_ascii(plain_text) else rng.choice(["7bit", "7bit", "quoted-printable"])
            main = ([f"Content-Type: text/plain; charset={self.cs_label(charset)}" + ("; format=flowed" if client == "apple" and rng.random() < 0.5 else ""),
                     f"Content-Transfer-Encoding: {cte}"], body_bytes(plain_text, charset, cte))
        elif structure == "html":
            cte = rng.choice(["quoted-printable", "base64", "8bit"])
            main = ([f"Content-Type: text/html; charset={self.cs_label(charset)}", f"Content-Transfer-Encoding: {cte}"], body_bytes(html_text, charset, cte))
        else:
            cte1 = rng.choice(["quoted-printable", "8bit", "base64"])
            cte2 = rng.choice(["quoted-printable", "base64"])
            p1 = ([f"Content-Type: text/plain; charset={self.cs_label(charset)}", f"Content-Transfer-Encoding: {cte1}"], body_bytes(plain_text, charset, cte1))
            p2 = ([f"Content-Type: text/html; charset={self.cs_label(charset)}", f"Content-Transfer-Encoding: {cte2}"], body_bytes(html_text, charset, cte2))
            main = self.multipart("alternative", [p1, p2])
        if attach:
            parts = [main]
            for kindname, fname, spec in attach:
                parts.append(self.attachment(kindname, fname, spec, topic, ctx))
            main = self.multipart("mixed", parts)
            structure += "+attachment"

        # Headers.
        raw_ok = structure == "plain" and charset == "utf-8" and "8bit" in main[0][-1]
        h = [f"From: {address_header(sender_name, sender_addr, charset, rng, raw_ok)}",
             f"To: {address_header(to_name, to_addr, charset, rng, raw_ok)}"]
        if rng.random() < 0.06 and kind == "citizen":
            h.append(f"Cc: {address_header(ctx['other'], self.person()['addr'], charset, rng, raw_ok)}")
        h.append(f"Subject: {header_text(subject, charset, rng, raw_ok)}")
        h.append(f"Date: {rfc2822(t)}")
        h.append(f"Message-ID: {self.message_id(client, sender_addr)}")
        h += headers_extra
        if kind == "business" and rng.random() < 0.3 and quoted is None:
            h.append(f"Organization: {header_text(ctx['firm'], charset, rng, False)}")
        agent = {"outlook": "X-Mailer: Microsoft Outlook 16.0", "apple": "X-Mailer: Apple Mail (2.3774.600.62)",
                 "webmail": "User-Agent: Roundcube Webmail/1.6.6", "gmail": None}[client]
        if agent and rng.random() < 0.8:
            h.append(agent)
        h.append("MIME-Version: 1.0")
        h += main[0]
        raw = ("\n".join(h)).encode("utf-8") + b"\n\n" + main[1]
        if rng.random() < 0.7:
            raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        fmt = structure + (f"/{mode}" if mode != "new" else "")
        return {"channel": "mail", "bytes": raw, "format": fmt, "charset": charset, "english": english, "kind": kind}

    def cs_label(self, charset):
        return self.rng.choice(['"utf-8"', "utf-8", "UTF-8"]) if charset == "utf-8" else self.rng.choice(["iso-8859-1", '"iso-8859-1"', "ISO-8859-1"])

    def message_id(self, client, addr):
        rng = self.rng
        domain = addr.split("@")[1]
        if client == "gmail":
            tok = base64.b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=").replace("/", "_").replace("+", "-")
            return f"<CA{tok[:40]}@mail.gmail.com>"
        if client == "outlook":
            return f"<{rng.getrandbits(64):016X}{rng.getrandbits(32):08x}$@{domain}>" if rng.random() < 0.3 else \
                f"<AM0PR{rng.randint(10, 99)}MB{rng.randint(1000, 9999)}{rng.getrandbits(48):012X}@AM0PR{rng.randint(10, 99)}MB{rng.randint(1000, 9999)}.eurprd0{rng.randint(1, 9)}.prod.outlook.com>"
        return f"<{uuid.UUID(int=rng.getrandbits(128), version=4)}@{domain}>"

    def multipart(self, subtype, parts):
        boundary = f"----=_Part_{self.rng.getrandbits(40):x}_{self.rng.randint(100000, 999999)}" if self.rng.random() < 0.5 else \
            f"{self.rng.getrandbits(96):024x}"
        body = b"This is a multi-part message in MIME format.\n\n" if self.rng.random() < 0.4 else b""
        for ph, pb in parts:
            body += f"--{boundary}\n".encode() + "\n".join(ph).encode() + b"\n\n" + pb.rstrip(b"\n") + b"\n"
        body += f"--{boundary}--\n".encode()
        return ([f'Content-Type: multipart/{subtype}; boundary="{boundary}"'], body)

    def attachment(self, kind, fname, spec, topic, ctx):
        rng = self.rng
        if kind == "pdf":
            data = tiny_pdf(spec + " - " + ctx["street"].encode("ascii", "ignore").decode() + " " + ctx["nr"])
            return ([f'Content-Type: application/pdf; name="{fname}"', f'Content-Disposition: attachment; filename="{fname}"',
                     "Content-Transfer-Encoding: base64"], base64.encodebytes(data))
        if kind == "csv":
            text = csv_text(spec, rng, ctx)
            return ([f'Content-Type: text/csv; charset=utf-8; name="{fname}"', f'Content-Disposition: attachment; filename="{fname}"',
                     "Content-Transfer-Encoding: base64" if rng.random() < 0.5 else "Content-Transfer-Encoding: quoted-printable"],
                    body_bytes(text, "utf-8", "base64") if rng.random() < 0.5 else body_bytes(text, "utf-8", "quoted-printable"))
        text = txt_attachment(spec, topic, rng, ctx)
        return ([f'Content-Type: text/plain; charset=utf-8; name="{fname}"', f'Content-Disposition: attachment; filename="{fname}"',
                 "Content-Transfer-Encoding: quoted-printable"], body_bytes(text, "utf-8", "quoted-printable"))

    # ---- rendering plain and HTML, with quoted history
    def attribution_da(self, when, name, addr):
        return f"Den {when.day}. {MONTHS[when.month - 1]} {when.year} kl. {when:%H.%M} skrev {name} <{addr}>:"

    def outlook_block(self, when, name, addr, to, subject, lang="da"):
        to_s = (to["name"] + " <" + to["addr"] + ">") if to.get("name") else to["addr"]
        if lang == "en":
            return [f"From: {name} <{addr}>", f"Sent: {EN_DAYS[when.weekday()]}, {when.day} {EN_MONTHS[when.month - 1]} {when.year} {when:%H:%M}",
                    f"To: {to_s}", f"Subject: {subject}"]
        return [f"Fra: {name} <{addr}>", f"Sendt: {WEEKDAYS[when.weekday()]} den {when.day}. {MONTHS[when.month - 1]} {when.year} {when:%H:%M}",
                f"Til: {to_s}", f"Emne: {subject}"]

    def render(self, new_text, quoted, client, charset, rng):
        wrap = rng.random() < 0.4

        def wrapped(text):
            if not wrap:
                return text
            return "\n".join("\n".join(textwrap.wrap(line, 72)) if line else "" for line in text.split("\n"))

        plain = wrapped(new_text)
        hist_plain = ""
        hist_html = ""
        if quoted:
            kind, when, name, addr, subj, to, text = quoted
            style = rng.choice(["outlook", "gmail", "outlook", "gmail", "apple"]) if kind == "reply" else rng.choice(["outlook", "gmail_fwd"])
            if kind == "forward" and style == "gmail_fwd":
                head = ["---------- Videresendt besked ----------", f"Fra: {name} <{addr}>",
                        f"Dato: {WEEKDAYS[when.weekday()]} den {when.day}. {MONTHS[when.month - 1]} {when.year} kl. {when:%H.%M}",
                        f"Emne: {subj}", f"Til: <{to['addr']}>"]
                hist_plain = "\n".join(head) + "\n\n" + text
                hist_html = "<div>" + "<br>".join(html.escape(x) for x in head) + "<br><br>" + self.html_paras(text) + "</div>"
            elif style == "outlook":
                sep = "-----Oprindelig meddelelse-----" if rng.random() < 0.7 else "-----Original Message-----"
                head = self.outlook_block(when, name, addr, to, subj, "en" if sep.startswith("-----Orig") else "da")
                hist_plain = sep + "\n" + "\n".join(head) + "\n\n" + text
                hist_html = ('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">'
                             + "<br>".join("<b>" + html.escape(x.split(":", 1)[0]) + ":</b>" + html.escape(x.split(":", 1)[1]) for x in head)
                             + "</p></div>" + self.html_paras(text))
            else:
                attr = self.attribution_da(when, name, addr)
                hist_plain = attr + "\n\n" + "\n".join(("> " + line) if line else ">" for line in text.split("\n"))
                hist_html = ('<div class="gmail_quote"><div class="gmail_attr">' + html.escape(attr) + '<br></div>'
                             '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
                             + self.html_paras(text) + "</blockquote></div>")
            plain = plain + "\n\n" + hist_plain
        html_doc = self.html_doc(new_text, hist_html, client, charset, rng)
        return plain + "\n", html_doc

    def html_paras(self, text, entities=False):
        out = []
        for para in text.split("\n\n"):
            esc = "<br>\n".join(html.escape(line, quote=False) for line in para.split("\n"))
            if entities:
                for a, b in (("æ", "&aelig;"), ("ø", "&oslash;"), ("å", "&aring;"), ("Æ", "&AElig;"), ("Ø", "&Oslash;"), ("Å", "&Aring;")):
                    esc = esc.replace(a, b)
            out.append(f"<p>{esc}</p>")
        return "\n".join(out)

    def html_doc(self, new_text, hist_html, client, charset, rng):
        entities = rng.random() < 0.3
        body = self.html_paras(new_text, entities)
        cs = "utf-8" if charset == "utf-8" else "iso-8859-1"
        if client == "outlook":
            body = body.replace("<p>", '<p class="MsoNormal">')
            return (f'<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">'
                    f'<style><!-- p.MsoNormal {{margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}} --></style></head>\n'
                    f'<body lang="DA"><div class="WordSection1">\n{body}\n{hist_html}\n</div></body></html>\n')
        if client == "gmail":
            return f'<div dir="ltr">\n{body}\n</div><br>{hist_html}\n'
        return (f'<!DOCTYPE html><html><head><meta charset="{cs}"><title></title></head>\n'
                f'<body style="font-family: Arial, sans-serif; font-size: 14px">\n{body}\n{hist_html}\n</body></html>\n')

    # ---- Digital Post (MeMo)
    def memo(self, topic, kind, ctx, who, firm, subject, paras, sig, t):
        rng = self.rng
        text = "\n\n".join(paras + [sig]) + "\n"
        if kind == "business":
            sender_id, id_type, label = firm["cvr"], "CVR", firm["firm"]
        else:
            sender_id, id_type, label = ctx["cpr"].replace("-", ""), "CPR", who["name"]
        mid = uuid.UUID(int=rng.getrandbits(128), version=4)
        with_kle = rng.random() < topic.get("memo_kle", 0.15)
        reply_case = not with_kle and rng.random() < 0.2
        content = []
        if id_type == "CPR" and rng.random() < 0.5:
            content.append(f"<grd:CPRdata><grd:cprNumber>{sender_id}</grd:cprNumber><grd:name>{xml_escape(label)}</grd:name></grd:CPRdata>")
        if id_type == "CVR":
            content.append(f"<grd:CVRdata><grd:cvrNumber>{sender_id}</grd:cvrNumber><grd:companyName>{xml_escape(label)}</grd:companyName></grd:CVRdata>")
        if with_kle:
            content.append(f"<memo:CaseID><memo:caseID>{ctx['caseno']}</memo:caseID><memo:caseSystem>SBSYS</memo:caseSystem></memo:CaseID>")
            content.append(f"<kle:KLEdata><kle:subjectKey>{topic['kle']}</kle:subjectKey><kle:version>2024-10</kle:version>"
                           f"<kle:activityFacet>{topic['facet']}</kle:activityFacet><kle:label>{xml_escape(topic['title'])}</kle:label></kle:KLEdata>")
        reply = ""
        if reply_case:
            orig = uuid.UUID(int=rng.getrandbits(128), version=4)
            reply = (f"<memo:ReplyData><memo:messageUUID>{orig}</memo:messageUUID><memo:senderID>{self.egeskov_cvr}</memo:senderID>"
                     f"<memo:recipientID>{sender_id}</memo:recipientID><memo:caseID>{ctx['caseno']}</memo:caseID></memo:ReplyData>")
            subject = "Svar: " + subject
        header_content = ("<memo:ContentData>" + "".join(content) + "</memo:ContentData>") if content else ""
        body_html = rng.random() < 0.2
        if body_html:
            main_file = ("text/html", "besked.html", self.html_doc(text, "", "webmail", "utf-8", rng))
        else:
            main_file = ("text/plain", rng.choice(["besked.txt", "henvendelse.txt", "brev.txt"]), text)
        files = [self.memo_file(*main_file)]
        additional = ""
        usable = [a for a in topic.get("attach", []) if not (a[2] == "notat" and kind != "authority")]
        if usable and rng.random() < 0.5:
            a = rng.choice(usable)
            if a[0] == "pdf":
                data = tiny_pdf(a[2])
                mt = "application/pdf"
            else:
                data = (csv_text(a[2], rng, ctx) if a[0] == "csv" else txt_attachment(a[2], topic, rng, ctx)).encode()
                mt = "text/csv" if a[0] == "csv" else "text/plain"
            additional = (f"<memo:AdditionalDocument><memo:additionalDocumentID>{rng.randint(100, 999)}</memo:additionalDocumentID>"
                          f"<memo:label>Bilag</memo:label>{self.memo_file(mt, a[1], data)}</memo:AdditionalDocument>")
        created = t - dt.timedelta(hours=utc_offset(t))
        xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" xmlns:grd="https://data.gov.dk/model/core/" xmlns:kle="http://kle-online.dk/" memoVersion="1.2">
  <memo:MessageHeader>
    <memo:messageType>DIGITALPOST</memo:messageType>
    <memo:messageUUID>{mid}</memo:messageUUID>
    <memo:label>{xml_escape(subject)}</memo:label>
    <memo:reply>false</memo:reply>
    <memo:mandatory>false</memo:mandatory>
    <memo:legalNotification>false</memo:legalNotification>
    <memo:Sender>
      <memo:senderID>{sender_id}</memo:senderID>
      <memo:idType>{id_type}</memo:idType>
      <memo:label>{xml_escape(label)}</memo:label>
    </memo:Sender>
    <memo:Recipient>
      <memo:recipientID>{self.egeskov_cvr}</memo:recipientID>
      <memo:idType>CVR</memo:idType>
      <memo:label>{MUNICIPALITY}</memo:label>
    </memo:Recipient>
    {header_content}
    {reply}
  </memo:MessageHeader>
  <memo:MessageBody>
    <memo:createdDateTime>{created:%Y-%m-%dT%H:%M:%S}Z</memo:createdDateTime>
    <memo:MainDocument>
      <memo:mainDocumentID>{rng.randint(1, 999)}</memo:mainDocumentID>
      <memo:label>{xml_escape(subject)}</memo:label>
      {files[0]}
    </memo:MainDocument>
    {additional}
  </memo:MessageBody>
</memo:Message>
"""
        xml = "\n".join(line for line in xml.split("\n") if line.strip()) + "\n"
        fmt = "memo" + ("+kledata" if with_kle else "") + ("+replydata" if reply_case else "") + ("+html" if body_html else "") + ("+attachment" if additional else "")
        return {"channel": "memo", "bytes": xml.encode("utf-8"), "format": fmt, "charset": "utf-8", "english": False, "kind": kind,
                "kle_data": with_kle}

    def memo_file(self, media, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        return (f"<memo:File><memo:encodingFormat>{media}</memo:encodingFormat><memo:filename>{xml_escape(name)}</memo:filename>"
                f"<memo:language>da</memo:language><memo:content>{base64.b64encode(data).decode()}</memo:content></memo:File>")


# --------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "demo", "corpus"))
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()

    gen = Gen(args.seed)
    messages = []
    for topic in TOPICS:
        for i in range(topic["n"]):
            m = gen.message(topic, i)
            m["topic"] = topic
            messages.append(m)
    gen.rng.shuffle(messages)

    for sub in ("mail", "digitalpost"):
        shutil.rmtree(os.path.join(args.out, sub), ignore_errors=True)
        os.makedirs(os.path.join(args.out, sub))
    rows = []
    for n, m in enumerate(messages, 1):
        rel = f"mail/{n:04d}.eml" if m["channel"] == "mail" else f"digitalpost/{n:04d}.xml"
        with open(os.path.join(args.out, rel), "wb") as f:
            f.write(m["bytes"])
        rows.append((rel, m["topic"]["unit"], m["topic"]["kle"], m["topic"]["facet"]))
    rows.sort()
    with open(os.path.join(args.out, "manifest.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "unit", "kle", "facet"])
        w.writerows(rows)

    # Summary on stderr.
    by_unit, by_format = {}, {}
    for m in messages:
        by_unit[m["topic"]["unit"]] = by_unit.get(m["topic"]["unit"], 0) + 1
        key = m["format"].split("/")[0] if m["channel"] == "mail" else "memo"
        by_format[key] = by_format.get(key, 0) + 1
    total = sum(os.path.getsize(os.path.join(args.out, r[0])) for r in rows)
    print(f"{len(messages)} messages, {len(by_unit)} units, {len({t['kle'] for t in TOPICS})} KLE emner, {total} bytes",
          file=sys.stderr)
    for u in sorted(by_unit):
        print(f"  {u:22} {by_unit[u]}", file=sys.stderr)
    for k in sorted(by_format):
        print(f"  {k:22} {by_format[k]}", file=sys.stderr)
    extra = {
        "replies": sum(1 for m in messages if "/reply" in m["format"]),
        "forwards": sum(1 for m in messages if "/forward" in m["format"]),
        "iso-8859-1": sum(1 for m in messages if m["charset"] == "iso-8859-1"),
        "english": sum(1 for m in messages if m["english"]),
        "memo with KLEdata": sum(1 for m in messages if m.get("kle_data")),
        "memo with ReplyData": sum(1 for m in messages if "+replydata" in m["format"]),
    }
    for k, v in extra.items():
        print(f"  {k:22} {v}", file=sys.stderr)


if __name__ == "__main__":
    main()
