"""Page views of pages the page cache (core/page_cache.py) answers without Django."""

from asgiref.sync import sync_to_async
from django.conf import settings

from apps.analytics.services import page_view_count

_page_view_count_in_thread = sync_to_async(page_view_count, thread_sensitive=True)


async def page_view_at_edge(*, path: str, address: str, user_agent: str) -> None:
    """With Redis a count is two quick Redis calls, made in the event loop rather than through
    Django's one sync thread (a hop that halved the cache's rate); embedded counting may write
    to the database, which only that thread may do."""
    if settings.REDIS_URL:
        page_view_count(path=path, address=address, user_agent=user_agent)
    else:
        await _page_view_count_in_thread(path=path, address=address, user_agent=user_agent)
