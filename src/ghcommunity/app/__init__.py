"""The GitHub App (`ghcommunity serve`): webhooks in, the same dispatcher as the Action out.

server.py     the HTTP side: POST /webhook (size, type, signature, then parse), health, admin
queue.py      the durable work queue (SQLite or PostgreSQL): dedup, leases, lanes, parking
worker.py     worker threads: claim, process, retry with backoff, park
processor.py  one delivery → `ghcommunity.core.events.dispatch`, with the repo's config and client
auth.py       installation tokens (cached, narrowed to the repository) and clients
repo_config.py  each repository's .github/ghcommunity.yml (org fallback), issue forms, check run
scheduler.py  scheduled jobs queued as repository_dispatch deliveries
settings.py, logging.py, signature.py, service.py (putting it together)
"""
