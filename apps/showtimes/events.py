"""The `showtimes` event the stream carries for this app."""

from pydantic import BaseModel, ConfigDict

from apps.stream.services import event_type_register


class ShowtimesPayload(BaseModel):
    """The `data` of a `showtimes` event: a city's showtimes changed. Its fields are not fixed yet."""

    model_config = ConfigDict(extra="allow")


def showtimes_event_register() -> None:
    event_type_register("showtimes", ShowtimesPayload, description="A city's showtimes changed.")
