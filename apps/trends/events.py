"""The `trend` event the stream carries for this app."""

from pydantic import BaseModel, ConfigDict

from apps.stream.services import event_type_register


class TrendPayload(BaseModel):
    """The `data` of a `trend` event: a leaderboard changed. Its fields are not fixed yet."""

    model_config = ConfigDict(extra="allow")


def trend_event_register() -> None:
    event_type_register("trend", TrendPayload, description="A trend leaderboard changed.")
