"""The plot-tone lexicon: words that make a plot read warm or dark, in English, Ukrainian and Russian.

Small on purpose (about forty entries a polarity a language, chosen on IMDb and TMDB
plots): the tone of a one-paragraph plot turns on a few loaded words. An entry is either
a whole word ("war") or a stem ending in "*" ("murder*": murder, murdered, murderer).
Ukrainian and Russian inflect every noun and verb, so their entries are mostly stems cut
before the ending (вбив* — вбивця, вбивство, вбивати; надi* — надія, надію, надії).
Where a stem would also begin unrelated words, the forms are listed whole instead:
"war" not "war*" (warm, warn), "семья" not "семь*" (seven), "месть" not "мест*" (place),
"горе" not "гор*" (mountains), "друг" not "друг*" (second), "happy" not "happ*" (happen).
"""

POSITIVE = {
    "en": """
        hope* love loves loved loving lover* friend* triumph* redeem* redemption freedom free
        joy* happy happily happiness brave* courag* kind kindness rescue* save saves saved saving
        heal* peace* dream* win wins winning family families together inspir* compassion* bond
        bonds reunite* determination talent* help helps helping hero heroes heroic innocen*
        wish* cherish* delight*
    """,
    "uk": """
        наді* любов* кохан* закох* дружб* друз* друг щаст* щасл* радіс* радо мрі* мрій* свобод*
        поряту* рятув* рятує врят* перемог* перемож* мир мирн* родин* сім'* разом відваг* мужн*
        добр* натхн* співчут* бажанн* надихн* веселк* посміш* затишн*
    """,
    "ru": """
        надежд* любов* любв* любим* влюб* дружб* друз* друг счаст* радост* мечт* свобод* спас*
        побед* побежд* мирн* семья семьи семью семье семейн* вместе смел* мужеств* добр*
        вдохнов* сострад* желани* улыб* уют*
    """,
}
NEGATIVE = {
    "en": """
        murder* death* dead* die dies died dying kill* war wars warfare crime* criminal* reveng*
        veng* fear* terror* violen* corrupt* betray* prison* jail* convict* lonel* grief griev*
        tragic* traged* destroy* destruct* evil* haunt* assassin* cancer* struggl* disaster* doom*
        oblivion aggress* shock* ruthless* slave* slavery doubt* amnesia hostage* danger* threat*
        fight* suffer* orphan* homicid* thief steals
    """,
    "uk": """
        вбив* вбит* вбивц* убив* убит* убивц* смерт* помир* помер* мертв* загин* війн* злочин*
        помст* страх* жах* терор* насил* жорсток* корумп* зрад* в'язниц* тюрм* самотн* горе
        скорбот* трагед* трагіч* знищ* зло зла злий злод* хвороб* катастроф* небезпе* загроз*
        викрад* сирот* відчай* страждан*
    """,
    "ru": """
        убий* убив* убит* убил* смерт* умир* умер* мертв* погиб* войн* преступ* месть мести
        местью мсти* мщен* страх* ужас* террор* насил* жесток* корруп* предат* предал* тюрьм*
        тюрем* одинок* горе скорб* трагед* трагич* уничтож* зло злой злая вор вора воры болезн*
        катастроф* опасн* угроз* похищ* похит* сирот* отчаян* страдан*
    """,
}
