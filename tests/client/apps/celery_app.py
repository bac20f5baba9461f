"""A Celery app whose task queues events: run by a real ``celery worker`` (prefork).

The broker is kombu's filesystem transport (messages are files in a folder the test
makes): it is a real broker transport that a real worker consumes, and it needs no
daemon, so the test runs on any machine and in CI without starting Redis or RabbitMQ.
The memory transport would not do: it lives inside one process, and the producer is a
different process from the worker.
"""

from __future__ import annotations

import os

from celery import Celery
from common import make_client, queue_events

folder = os.environ["BROKER_FOLDER"]
app = Celery("celery_app", broker="filesystem://")
app.conf.update(
    broker_transport_options={
        "data_folder_in": folder,
        "data_folder_out": folder,
        "polling_interval": 0.05,
    },
    task_ignore_result=True,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)

# Created at import, in the worker's main process; every prefork child inherits it
# (with an empty queue of its own) and queues from its tasks.
client = make_client()


@app.task
def send_events(n: int) -> int:
    queue_events(client, n, "from_celery")
    return n
