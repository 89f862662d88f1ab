"""The demo register's invented world: places, street and provider names, collectives.

Cities with their provinces, populations and postcode ranges, villages where the GP dispenses,
and the words the names are made of. Everything is invented or public geography; contact
addresses use the reserved `.example` domain.
"""
from __future__ import annotations

NH, ZH, UT, NB, GE, GR, FL, OV, LI, FR, DR, ZE = (
    "Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Gelderland", "Groningen",
    "Flevoland", "Overijssel", "Limburg", "Friesland", "Drenthe", "Zeeland")

#: (city, province, inhabitants x 1000, first and last postcode number of the town).
CITIES = (
    ("Amsterdam", NH, 880, 1011, 1109), ("Rotterdam", ZH, 655, 3011, 3089),
    ("Den Haag", ZH, 550, 2491, 2597), ("Utrecht", UT, 360, 3511, 3585),
    ("Eindhoven", NB, 235, 5611, 5658), ("Groningen", GR, 235, 9711, 9747),
    ("Tilburg", NB, 222, 5011, 5049), ("Almere", FL, 215, 1311, 1363),
    ("Breda", NB, 185, 4811, 4839), ("Nijmegen", GE, 180, 6511, 6546),
    ("Apeldoorn", GE, 165, 7311, 7339), ("Arnhem", GE, 165, 6811, 6846),
    ("Haarlem", NH, 162, 2011, 2037), ("Enschede", OV, 160, 7511, 7548),
    ("Amersfoort", UT, 160, 3811, 3829), ("Zaandam", NH, 80, 1501, 1509),
    ("'s-Hertogenbosch", NB, 157, 5211, 5249), ("Zwolle", OV, 130, 8011, 8046),
    ("Leeuwarden", FR, 125, 8911, 8941), ("Zoetermeer", ZH, 126, 2711, 2729),
    ("Leiden", ZH, 125, 2311, 2334), ("Maastricht", LI, 121, 6211, 6229),
    ("Dordrecht", ZH, 120, 3311, 3329), ("Ede", GE, 118, 6711, 6719),
    ("Alphen aan den Rijn", ZH, 113, 2401, 2409), ("Alkmaar", NH, 110, 1811, 1827),
    ("Emmen", DR, 107, 7811, 7833), ("Delft", ZH, 104, 2611, 2629),
    ("Venlo", LI, 102, 5911, 5928), ("Deventer", OV, 101, 7411, 7431),
    ("Hoofddorp", NH, 80, 2131, 2136), ("Sittard", LI, 92, 6131, 6137),
    ("Helmond", NB, 93, 5701, 5709), ("Oss", NB, 93, 5341, 5349),
    ("Amstelveen", NH, 92, 1181, 1189), ("Hilversum", NH, 91, 1211, 1223),
    ("Heerlen", LI, 87, 6411, 6422), ("Spijkenisse", ZH, 85, 3201, 3209),
    ("Hengelo", OV, 81, 7550, 7559), ("Purmerend", NH, 80, 1441, 1448),
    ("Schiedam", ZH, 80, 3111, 3125), ("Lelystad", FL, 78, 8211, 8245),
    ("Roosendaal", NB, 77, 4701, 4709), ("Gouda", ZH, 73, 2801, 2809),
    ("Hoorn", NH, 73, 1621, 1628), ("Vlaardingen", ZH, 74, 3131, 3138),
    ("Almelo", OV, 73, 7601, 7609), ("Assen", DR, 68, 9401, 9409),
    ("Bergen op Zoom", NB, 68, 4611, 4625), ("Capelle aan den IJssel", ZH, 67, 2901, 2909),
    ("Veenendaal", UT, 67, 3901, 3906), ("Katwijk", ZH, 66, 2221, 2225),
    ("Zeist", UT, 66, 3701, 3709), ("Nieuwegein", UT, 63, 3430, 3439),
    ("Barneveld", GE, 60, 3771, 3774), ("Doetinchem", GE, 58, 7001, 7009),
    ("Roermond", LI, 58, 6041, 6045), ("Heerhugowaard", NH, 57, 1701, 1708),
    ("Den Helder", NH, 56, 1781, 1789), ("Oosterhout", NB, 56, 4901, 4909),
    ("Rijswijk", ZH, 56, 2280, 2289), ("Hoogeveen", DR, 55, 7901, 7909),
    ("Terneuzen", ZE, 54, 4531, 4538), ("Kampen", OV, 54, 8261, 8267),
    ("Woerden", UT, 52, 3441, 3449), ("Heerenveen", FR, 51, 8441, 8449),
    ("Houten", UT, 50, 3991, 3998), ("Weert", LI, 50, 6001, 6006),
    ("Middelburg", ZE, 49, 4331, 4339), ("Waalwijk", NB, 49, 5141, 5146),
    ("Harderwijk", GE, 48, 3841, 3849), ("Zutphen", GE, 48, 7201, 7207),
    ("Drachten", FR, 45, 9200, 9206), ("Kerkrade", LI, 45, 6461, 6471),
    ("Veldhoven", NB, 45, 5501, 5509), ("Vlissingen", ZE, 44, 4381, 4389),
    ("Venray", LI, 44, 5801, 5809), ("Nijkerk", GE, 44, 3861, 3864),
    ("Etten-Leur", NB, 44, 4871, 4876), ("Dronten", FL, 42, 8251, 8253),
    ("Tiel", GE, 42, 4001, 4007), ("Uden", NB, 42, 5401, 5406),
    ("Beverwijk", NH, 41, 1940, 1948), ("Leidschendam", ZH, 40, 2261, 2267),
    ("Wageningen", GE, 39, 6701, 6709), ("Goes", ZE, 38, 4461, 4465),
    ("Gorinchem", ZH, 37, 4201, 4206), ("IJmuiden", NH, 35, 1971, 1976),
    ("Sneek", FR, 34, 8601, 8608), ("Meppel", DR, 34, 7941, 7944),
    ("IJsselstein", UT, 34, 3401, 3404), ("Bussum", NH, 33, 1401, 1406),
    ("Stadskanaal", GR, 32, 9501, 9503), ("Oldenzaal", OV, 32, 7571, 7577),
    ("Boxtel", NB, 31, 5281, 5283), ("Rijssen", OV, 30, 7461, 7463),
    ("Culemborg", GE, 29, 4101, 4107), ("Winterswijk", GE, 29, 7101, 7109),
    ("Veendam", GR, 27, 9641, 9648), ("Emmeloord", FL, 27, 8300, 8305),
    ("Delfzijl", GR, 25, 9930, 9936), ("Schagen", NH, 19, 1741, 1742),
    ("Winschoten", GR, 18, 9671, 9675), ("Enkhuizen", NH, 18, 1601, 1602),
    ("Steenwijk", OV, 17, 8331, 8335), ("Harlingen", FR, 16, 8861, 8863),
)

#: Villages where the GP dispenses (no pharmacy nearby): (village, province, postcode number).
VILLAGES = (
    ("Ootmarsum", OV, 7631), ("Vaals", LI, 6291), ("Gulpen", LI, 6271), ("Eijsden", LI, 6245),
    ("Nieuweschans", GR, 9693), ("Appingedam", GR, 9901), ("Uithuizen", GR, 9981),
    ("Zuidhorn", GR, 9801), ("Winsum", GR, 9951), ("Ter Apel", GR, 9561), ("Borger", DR, 9531),
    ("Gieten", DR, 9461), ("Diever", DR, 7981), ("Westerbork", DR, 9431), ("Zuidlaren", DR, 9471),
    ("Dokkum", FR, 9101), ("Franeker", FR, 8801), ("Wolvega", FR, 8471), ("Joure", FR, 8501),
    ("Lemmer", FR, 8531), ("Oosterwolde", FR, 8431), ("Urk", FL, 8321), ("Ommen", OV, 7731),
    ("Hellendoorn", OV, 7447), ("Haaksbergen", OV, 7481), ("Tubbergen", OV, 7651),
    ("Denekamp", OV, 7591), ("Vorden", GE, 7251), ("Lochem", GE, 7241), ("Eibergen", GE, 7151),
    ("Aalten", GE, 7121), ("Groenlo", GE, 7141), ("Putten", GE, 3881), ("Elburg", GE, 8081),
    ("Hattem", GE, 8051), ("Zaltbommel", GE, 5301), ("Druten", GE, 6651), ("Gennep", LI, 6591),
    ("Gemert", NB, 5421), ("Bergeijk", NB, 5571), ("Reusel", NB, 5541), ("Oirschot", NB, 5688),
    ("Sint-Oedenrode", NB, 5491), ("Cuijk", NB, 5431), ("Boxmeer", NB, 5831), ("Made", NB, 4921),
    ("Zierikzee", ZE, 4301), ("Sluis", ZE, 4524), ("Oostburg", ZE, 4501), ("Axel", ZE, 4571),
    ("Hulst", ZE, 4561), ("Brouwershaven", ZE, 4318), ("Middelharnis", ZH, 3241),
    ("Oud-Beijerland", ZH, 3261), ("Den Burg", NH, 1791), ("Wieringerwerf", NH, 1771),
    ("Medemblik", NH, 1671), ("Andijk", NH, 1619), ("Renswoude", UT, 3927),
    ("Woudenberg", UT, 3931), ("Eemnes", UT, 3755), ("Wijk bij Duurstede", UT, 3961),
)

STREETS = (
    "Kerkstraat", "Dorpsstraat", "Hoofdstraat", "Molenweg", "Stationsweg", "Schoolstraat",
    "Julianastraat", "Wilhelminastraat", "Beatrixlaan", "Marktplein", "Nieuwstraat",
    "Raadhuisplein", "Emmastraat", "Oranjestraat", "Lindelaan", "Eikenlaan", "Kastanjelaan",
    "Prins Bernhardlaan", "Burgemeester de Withstraat", "Koningin Julianaplein", "Brink",
    "Voorstraat", "Achterweg", "Singel", "Havenstraat", "Zuidwal", "Noordsingel", "Parkweg",
    "Rembrandtlaan", "Vondelstraat", "Prinsengracht", "Willem de Zwijgerlaan", "Meidoornlaan",
    "Gezondheidsplein", "Dokter Schaepmanstraat", "Wethouder Brouwerstraat", "Torenstraat",
    "Grote Markt", "Kleine Markt", "Veldweg", "Beukenlaan", "Populierenlaan", "Zonnebloemstraat",
    "Sportlaan", "Spoorstraat", "Industrieweg", "Hendrik Kraemerstraat", "Jan Steenstraat",
    "Churchilllaan", "Europaplein", "Winkelcentrum De Bogaard", "Winkelhof", "Kruisstraat",
)

NATURE = (
    "De Linde", "De Eik", "De Esch", "Het Anker", "De Brug", "De Molen", "De Vaart", "De Zwaan",
    "De Gaper", "Het Kruispunt", "De Roos", "De Lelie", "De Kroon", "De Poort", "Het Baken",
    "De Beuk", "De Wilg", "De Kastanje", "De Hoeksteen", "Het Hofje", "De Vijver", "De Boog",
    "De Ster", "De Zon", "De Regenboog", "Het Zand", "De Dijk", "De Meander", "De Akker",
    "De Bongerd", "De Hoven", "De Korenbloem", "De Heide", "Het Wapen", "De Oude Gracht",
)

DISTRICTS = ("Centrum", "Noord", "Oost", "Zuid", "West", "Binnenstad")

SURNAMES = (
    "De Jong", "Jansen", "De Vries", "Van den Berg", "Van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "De Boer", "Mulder", "De Groot", "Bos", "Vos", "Peters", "Hendriks",
    "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer",
    "Van der Linden", "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Heuvel", "Van der Veen",
    "Van den Broek", "De Bruijn", "De Bruin", "Van der Heijden", "Schouten", "Van Beek",
    "Willems", "Van Vliet", "Van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
    "Van Dam", "Van der Wal", "Prins", "Blom", "Huisman", "Postma", "Kuipers", "Veenstra",
)

INTERNET_FIRST = ("Recept", "Medi", "Zorg", "Pillen", "Kuur", "Vita", "Herhaal", "Thuis")
INTERNET_LAST = ("post", "direct", "online", "bezorg", "net", "express", "box", "lijn")

UNIQUE_SUPPLIERS = (
    "Landelijke Apotheek Zeldzame Aandoeningen", "Apotheek Weesgeneesmiddelen Nederland",
    "Specialistische Thuisapotheek Nederland", "Landelijke Apotheek Stollingsmiddelen",
    "Nationale Apotheek Bereidingen op Maat", "Apotheek Voedingsvoorzieningen Nederland",
    "Landelijke Apotheek Infuustherapie Thuis", "Centrale Apotheek Medische Voeding",
    "Landelijke Apotheek Stomazorg", "Apotheek Immunotherapie Nederland",
)

FACILITY_COMPANIES = (
    "Sondevoeding Thuis B.V.", "NutriZorg Facilitair B.V.", "VoedingsZorg Logistiek B.V.",
    "Dieetpreparaten Service Nederland B.V.", "Medische Voeding Direct B.V.",
    "Voeding aan Huis Facilitair B.V.", "Klinische Voeding Thuis B.V.", "DieetLijn B.V.",
    "Thuisvoeding Noord B.V.", "Thuisvoeding Zuid B.V.", "Enterale Zorg Nederland B.V.",
    "Nutricare Logistiek B.V.", "Zorgvoeding Oost B.V.", "VoedingsPunt B.V.",
    "Dieetzorg Randstad B.V.", "Medivoeding B.V.",
)

COLLECTIVES = {
    GR: "Coöperatie Apothekers Noord", FR: "Coöperatie Apothekers Noord",
    DR: "Coöperatie Apothekers Noord", OV: "Coöperatie Apothekers Oost",
    GE: "Coöperatie Apothekers Oost", NH: "Apothekerscoöperatie Randstad",
    ZH: "Apothekerscoöperatie Randstad", UT: "Apothekerscoöperatie Randstad",
    FL: "Apothekerscoöperatie Randstad", NB: "Coöperatie Apothekers Zuid",
    LI: "Coöperatie Apothekers Zuid", ZE: "Coöperatie Apothekers Zuid",
}
NATIONAL_COLLECTIVE = "Stichting Samenwerkende Zelfstandige Apothekers"
GP_COLLECTIVE = "Coöperatie Apotheekhoudende Huisartsen Nederland"

POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
