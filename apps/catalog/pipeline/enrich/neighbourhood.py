"""What a pass knows of the catalog, held compactly, and how recommendation candidates are ranked.

A candidate is ranked by one integer (`rank`): its score above, its IMDb id's text order
(`order_key`) below, so that ranking is a sort of plain integers and ties go to the
lower id as text.

Two facts decide whether and how high a title can be recommended at all:
- its type's family (`TYPE_FAMILIES`): a title is only recommended titles of its own
  family (a feature film gets feature and TV films, a series series, a video videos) and
  a video game is never recommended to anything else;
- its `quality` (`quality_of`): the rating weighted by votes (IMDb's Bayesian mean, toward
  QUALITY_PRIOR with QUALITY_VOTES votes' weight), above QUALITY_FLOOR, in tenths.
  Relevance is multiplied by it, so that among titles as close to the title, the better
  liked and more widely seen come first (8.0 weighs four times 5.0). A title rated below
  RECOMMENDABLE_FROM (2.0 with a handful of votes) has quality 0 and is never recommended.
"""

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Max

from apps.catalog.decades import Decade
from apps.catalog.models import Credit, Title, TitleType

# Types recommended to one another; 0 (a type not listed) is never recommended.
TYPE_FAMILIES = {
    TitleType.MOVIE: 1,
    TitleType.TV_MOVIE: 1,
    TitleType.TV_SERIES: 2,
    TitleType.TV_MINI_SERIES: 2,
    TitleType.VIDEO: 3,
    TitleType.SHORT: 4,
    TitleType.TV_SHORT: 4,
    TitleType.TV_SPECIAL: 5,
    TitleType.TV_EPISODE: 6,
    TitleType.TV_PILOT: 6,
    TitleType.VIDEO_GAME: 7,
}
QUALITY_PRIOR = 5.0
QUALITY_VOTES = 1000
QUALITY_FLOOR = 4.0
RECOMMENDABLE_FROM = 5.0

ORDER_BITS = 40
ORDER_MASK = (1 << ORDER_BITS) - 1
SCORE_CEILING = 1 << 20
# The columns a title's facts are read from (`Neighbourhood._fact_add`).
TITLE_FACTS = ("pk", "imdb_id", "start_year", "title_type", "rating", "votes")
_ID_DIGITS = 10


def order_key(imdb_id: str) -> int:
    """A positive number that sorts as the id does as text ("tt0111161" < "tt01111610" <
    "tt10000001"): its digits padded to ten, then its length. 0 for an id that is not tt
    and up to ten digits, which validation keeps out of the catalog."""
    digits = imdb_id[2:]
    if not (imdb_id[:2] == "tt" and digits.isascii() and digits.isdigit() and len(digits) <= _ID_DIGITS):
        return 0
    return int(digits.ljust(_ID_DIGITS, "0")) << 4 | len(digits)


def imdb_id_of(key: int) -> str:
    """The IMDb id of an order key, or of a rank (its score is masked off)."""
    padded, length = divmod(key & ORDER_MASK, 16)
    return "tt" + str(padded).zfill(_ID_DIGITS)[:length]


def rank(score: int, order: int) -> int:
    """The rank of a candidate of this score and id order (`order_key`): lower ranks first."""
    return (SCORE_CEILING - score) << ORDER_BITS | order


def quality_of(rating: float | None, votes: int) -> int:
    """How much a title of this rating and votes weighs as a recommendation (0: never one)."""
    if rating is None:  # unrated: as good as the prior says
        return round((QUALITY_PRIOR - QUALITY_FLOOR) * 10)
    if rating < RECOMMENDABLE_FROM:
        return 0
    weighted = (votes * float(rating) + QUALITY_VOTES * QUALITY_PRIOR) / (votes + QUALITY_VOTES)
    return round(max(0.0, weighted - QUALITY_FLOOR) * 10)


def _zeros(typecode: str, size: int) -> array:
    return array(typecode, bytes(array(typecode).itemsize * size))


class _NotFound(dict):
    """Facts of titles looked up one pass at a time: 0 for a title not read (or gone)."""

    def __missing__(self, key: int) -> int:
        return 0


class Neighbourhood:
    """Titles' facts, titles' people and people's titles, read once per pass however many chunks use them.

    Facts are integers: each title's IMDb id order (`order_key`, 0 for no title), decade
    (`Decade.index`, 0 for none), type family (`TYPE_FAMILIES`), quality (`quality_of`)
    and genre combination (an index into `combo_genres`
    and `combo_masks`, one bit per genre). A pass over most of the catalog reads it whole
    into arrays, a few bytes a title and a credit;
    other passes look up what their chunks need, in dicts.
    """

    def __init__(self) -> None:
        self.order: _NotFound | array = _NotFound()
        self.decade: _NotFound | array = _NotFound()
        self.combo: _NotFound | array = _NotFound()
        self.family: _NotFound | array = _NotFound()
        self.quality: _NotFound | array = _NotFound()
        self.combo_genres: list[frozenset[str]] = [frozenset()]
        self.combo_masks: list[int] = [0]
        self._combos: dict[frozenset[str], int] = {frozenset(): 0}
        self._genre_bits: dict[str, int] = {}
        self._people_of: dict[int, tuple[int, ...]] = {}
        self._titles_of: dict[int, tuple[int, ...]] = {}
        # Preloaded: (key, value) pairs sorted by key, as two arrays each.
        self._packed_people: tuple[array, array] | None = None
        self._packed_titles: tuple[array, array] | None = None
        self.preloaded = False

    def _combo(self, genres: Iterable[str]) -> int:
        key = frozenset(genres)
        if key not in self._combos:
            bits = self._genre_bits
            for name in sorted(key - bits.keys()):
                bits[name] = len(bits)
            self._combos[key] = len(self.combo_genres)
            self.combo_genres.append(key)
            self.combo_masks.append(sum(1 << bits[name] for name in key))
        return self._combos[key]

    def _fact_add(self, row: tuple[Any, ...], genres: Iterable[str]) -> None:
        pk, imdb_id, start_year, title_type, rating, votes = row
        self.order[pk] = order_key(imdb_id)
        decade = Decade.of_year(start_year)
        self.decade[pk] = decade.index if decade else 0
        self.family[pk] = TYPE_FAMILIES.get(title_type, 0)
        self.quality[pk] = quality_of(rating, votes)
        self.combo[pk] = self._combo(genres)

    @staticmethod
    def _packed_pairs(key: str, value: str) -> tuple[array, array]:
        keys, values = array("l"), array("l")
        pairs = (
            Credit.objects.order_by(key, value).values_list(key, value).distinct().iterator(chunk_size=20_000)
        )
        for pair_key, pair_value in pairs:
            keys.append(pair_key)
            values.append(pair_value)
        return keys, values

    def preload(self) -> None:
        """Read the whole catalog's facts and credits at once: cheaper when most of it is at work."""
        self._packed_people = self._packed_pairs("title_id", "person_id")
        self._packed_titles = self._packed_pairs("person_id", "title_id")
        last = Title.objects.aggregate(last=Max("pk"))["last"] or 0
        credited = self._packed_people[0]
        size = max(last, credited[-1] if credited else 0) + 1
        self.order, self.decade, self.combo = _zeros("q", size), _zeros("h", size), _zeros("l", size)
        self.family, self.quality = _zeros("b", size), _zeros("l", size)
        genres = Title.genres.through.objects.order_by("title_id").values_list("title_id", "genre__name")
        titles = Title.objects.order_by("pk").values_list(*TITLE_FACTS)
        merged = _grouped_beside(titles.iterator(chunk_size=20_000), genres.iterator(chunk_size=20_000))
        for row, names in merged:
            if row[0] < size:
                self._fact_add(row, names)
        self.preloaded = True

    @staticmethod
    def _packed_get(packed: tuple[array, array], key: int) -> array:
        keys, values = packed
        return values[bisect_left(keys, key) : bisect_right(keys, key)]

    @staticmethod
    def _pairs(field: str, values: list[int]) -> dict[int, tuple[int, ...]]:
        """(title, person) pairs of the credits whose `field` is among `values`, grouped by it."""
        other = "person_id" if field == "title_id" else "title_id"
        found: dict[int, set[int]] = defaultdict(set)
        for key, value in (
            Credit.objects.filter(**{f"{field}__any": values}).order_by().values_list(field, other)
        ):
            found[key].add(value)
        return {key: tuple(found.get(key, ())) for key in values}

    def people_load(self, title_ids: Iterable[int]) -> None:
        """Make `people_of` know these titles, and `titles_of` these titles' people."""
        if self.preloaded:
            return
        missing = [pk for pk in title_ids if pk not in self._people_of]
        if missing:
            self._people_of.update(self._pairs("title_id", missing))
        people = {person for pk in title_ids for person in self._people_of[pk]}
        missing = [person for person in people if person not in self._titles_of]
        if missing:
            self._titles_of.update(self._pairs("person_id", missing))

    def people_of(self, title_id: int) -> Sequence[int]:
        if self._packed_people is not None:
            return self._packed_get(self._packed_people, title_id)
        return self._people_of.get(title_id, ())

    def titles_of(self, person_id: int) -> Sequence[int]:
        if self._packed_titles is not None:
            return self._packed_get(self._packed_titles, person_id)
        return self._titles_of.get(person_id, ())

    def facts_load(self, title_ids: Iterable[int]) -> None:
        """Make the facts know these titles."""
        if self.preloaded:
            return
        missing = [pk for pk in title_ids if pk not in self.order]
        if missing:
            genres = _genres_of(missing)
            for row in Title.objects.filter(pk__any=missing).order_by().values_list(*TITLE_FACTS):
                self._fact_add(row, genres[row[0]])

    def genres(self, title_id: int) -> frozenset[str]:
        return self.combo_genres[self.combo[title_id]]


def _genres_of(title_ids: Iterable[int]) -> dict[int, set[str]]:
    genres: dict[int, set[str]] = defaultdict(set)
    for title_id, name in Title.genres.through.objects.filter(title_id__any=list(title_ids)).values_list(
        "title_id", "genre__name"
    ):
        genres[title_id].add(name)
    return genres


def _grouped_beside(
    rows: Iterable[tuple[Any, ...]], pairs: Iterable[tuple[int, str]]
) -> Iterator[tuple[tuple[Any, ...], list[str]]]:
    """Each row (keyed by its first value) with the values of the pairs of its key, both read in key order."""
    pairs = iter(pairs)
    pending = next(pairs, None)
    for row in rows:
        values = []
        while pending is not None and pending[0] <= row[0]:
            if pending[0] == row[0]:
                values.append(pending[1])
            pending = next(pairs, None)
        yield row, values
