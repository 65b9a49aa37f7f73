"""The project's shared library: what every app may use and nothing of ours it depends on.

Apps depend downward only: `apps.*` → `core`; `core` imports no app and no project wiring
(`cinestream/` holds settings, URLs, ASGI, Celery and the API). Here: bulk writes (`bulk`),
the `__any` lookup (`lookups`, registered by CoreConfig), garbage collection for bulk passes
(`collection`), the background producer (`background`), domain errors (`errors`) and the
health checks (`health`).
"""
