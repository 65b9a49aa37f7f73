"""IMDb's words: its 28 genre names and what its pages call things in English, Ukrainian,
Russian and German (genre chips, credit labels, months, number units, title types).

Only data lives here: the page parser (apps/scraping/imdb_pages/) reads through these
tables, and the catalog's normalize takes `GENRES` as its canonical genre list, so a
genre the parser recognises is always one the catalog keeps. Keys are casefolded; a
new language is a few more words in each table, no parsing code.
"""

# IMDb's genre names, as the datasets and English pages write them.
GENRES = (
    "Action", "Adult", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary",
    "Drama", "Family", "Fantasy", "Film-Noir", "Game-Show", "History", "Horror", "Music",
    "Musical", "Mystery", "News", "Reality-TV", "Romance", "Sci-Fi", "Short", "Sport",
    "Talk-Show", "Thriller", "War", "Western",
)  # fmt: skip

# Genre chip texts on localized pages, to IMDb's English genre names.
GENRE_TRANSLATIONS = {
    "бойовик": "Action",
    "боевик": "Action",
    "пригоди": "Adventure",
    "приключения": "Adventure",
    "анімація": "Animation",
    "анимация": "Animation",
    "мультфільм": "Animation",
    "мультфильм": "Animation",
    "біографія": "Biography",
    "биография": "Biography",
    "комедія": "Comedy",
    "комедия": "Comedy",
    "кримінал": "Crime",
    "криминал": "Crime",
    "документальний": "Documentary",
    "документальный": "Documentary",
    "драма": "Drama",
    "сімейний": "Family",
    "семейный": "Family",
    "фентезі": "Fantasy",
    "фэнтези": "Fantasy",
    "історичний": "History",
    "історія": "History",
    "история": "History",
    "жахи": "Horror",
    "ужасы": "Horror",
    "музика": "Music",
    "музыка": "Music",
    "мюзикл": "Musical",
    "детектив": "Mystery",
    "мелодрама": "Romance",
    "фантастика": "Sci-Fi",
    "спорт": "Sport",
    "трилер": "Thriller",
    "триллер": "Thriller",
    "військовий": "War",
    "военный": "War",
    "вестерн": "Western",
}

# Principal-credit group labels to roles.
ROLE_LABELS = {
    "director": (
        "director",
        "directors",
        "режисер",
        "режисери",
        "режисерка",
        "режиссер",
        "режиссёр",
        "режиссеры",
        "режиссёры",
        "regie",
        "regisseur",
    ),
    "creator": (
        "creator",
        "creators",
        "created by",
        "автор",
        "автори",
        "творець",
        "творці",
        "создатель",
        "создатели",
        "автор идеи",
        "idee",
        "schöpfer",
    ),
    "writer": (
        "writer",
        "writers",
        "сценарист",
        "сценаристи",
        "сценаристка",
        "сценаристы",
        "сценарий",
        "drehbuch",
        "autor",
        "autoren",
    ),
    "star": (
        "star",
        "stars",
        "зірки",
        "у головних ролях",
        "в головних ролях",
        "в главных ролях",
        "в ролях",
        "актори",
        "актеры",
        "cast",
        "hauptbesetzung",
        "stars:",
    ),
}

# The label of the line under the hero heading that gives the original title.
ORIGINAL_TITLE_LABELS = (
    "original title",
    "оригінальна назва",
    "оригинальное название",
    "originaltitel",
    "titre original",
)

# Month names (full, abbreviated and genitive) to month numbers.
MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "januar februar märz april mai juni juli august september oktober november dezember",
    )
    for number, name in enumerate(names.split(), start=1)
}

# Units of abbreviated counts ("2.8M", "2,8 млн", "646K") to multipliers.
COUNT_UNITS = {
    "k": 1_000,
    "тис": 1_000,
    "тыс": 1_000,
    "tsd": 1_000,
    "m": 1_000_000,
    "млн": 1_000_000,
    "mio": 1_000_000,
    "b": 1_000_000_000,
    "млрд": 1_000_000_000,
    "mrd": 1_000_000_000,
}

# Duration units, in the order a regex alternation tries them ("2h 28m", "2 год 28 хв").
HOUR_UNITS = ("h", "hr", "hrs", "hour", "hours", "год", "ч", "час", "часа", "часов", "std")
MINUTE_UNITS = ("m", "min", "mins", "minute", "minutes", "хв", "мин", "min.")
# The unit of a runtime's total in brackets: "2h 28m (148 min)".
TOTAL_MINUTE_UNITS = ("min", "мин", "хв", "Min")

# A row's episode count ("8 eps", "10 епізодів"), which is not a certificate (a regex).
EPISODE_COUNT = r"\beps?\b|епізод|эпизод|серій|серий"

# Title types the hero line names: regexes for series, exact texts for the rest.
HERO_MINI_SERIES = r"mini ?series|мінісеріал|мини сериал|miniserie"
HERO_SERIES = r"series|серіал|сериал|serie"
HERO_TYPES = (
    (("tv movie", "телефільм", "телефильм", "fernsehfilm"), "tvMovie"),
    (("tv special", "спецвипуск", "спецвыпуск"), "tvSpecial"),
    (("episode", "епізод", "эпизод", "folge"), "tvEpisode"),
    (("video game", "відеогра", "видеоигра", "videospiel"), "videoGame"),
    (("tv short",), "tvShort"),
    (("video", "відео", "видео"), "video"),
    (("short", "короткометражка", "короткометражний", "короткометражный", "kurzfilm"), "short"),
)
