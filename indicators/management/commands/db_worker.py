"""django-tasks-db's worker, made to live beside a web server on SQLite.

The package's worker opens an EXCLUSIVE transaction every poll (every second with `make run`), whether a task
is waiting or not: SQLite then refuses every other writer for that moment, and a person saving a page met
"database is locked". This worker first looks, with a plain read that takes no lock (WAL), whether a task is
ready, and takes the write lock only to claim one. On PostgreSQL nothing changes: rows are claimed with
SELECT … FOR UPDATE SKIP LOCKED, which never blocks anyone.

It replaces the package's `db_worker` command (the package comes after ours in INSTALLED_APPS), with the same
options.
"""

import logging
import os
import random
import time

from django.core.management import CommandError
from django.db import OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as package
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger("django_tasks_db")


class Worker(package.Worker):
    def ready_tasks(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def claim(self, tasks) -> tuple[DBTaskResult | None, bool]:
        """The next ready task, claimed for this worker, and whether the queue could be read at all."""
        if connections[tasks.db].vendor == "sqlite" and not tasks.exists():
            return None, True  # idle: no lock taken
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result, True
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None, False  # the web server is writing: try again at the next poll
            raise

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 — several workers started together do not poll together
        while self.running:
            close_old_connections()
            task_result, retrieved = self.claim(self.ready_tasks())
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and retrieved and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.", self.max_tasks, self.worker_id
                )
                return
            close_old_connections()
            if self.running and not task_result:
                time.sleep(self.interval)


class Command(package.Command):
    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        excluded = exclude_queues.split(",") if exclude_queues else []
        queue_names = queue_name.split(",")
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
