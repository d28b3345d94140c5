"""A feed's episode handed over for transcription: queued once, with the feed's metadata,
people and chapters, and its transcript beside the feed's files."""

from __future__ import annotations

import json
from pathlib import Path

from bot.store import MIGRATIONS, Database
from bot.transcribe.feed_episodes import feed_job_key, queue_feed_episode
from bot.transcribe.queue import TranscriptionQueue
from bot.transcribe.request import Person


def test_a_feed_episode_is_queued_with_what_the_feed_wrote_beside_it(tmp_path: Path) -> None:
    """Sidecar keys become front matter; toc: false chapters are no sections; origin kept."""
    (tmp_path / "bees.yaml").write_text("podcast_name: Hive Talk\nepisode_title: Bees\n")
    (tmp_path / "bees.chapters.json").write_text(
        json.dumps(
            {
                "chapters": [
                    {"startTime": 0, "title": "Intro"},
                    {"startTime": 50, "title": "Ad", "toc": False},
                ]
            }
        )
    )
    db = Database(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    db.migrate(MIGRATIONS)
    queue = TranscriptionQueue(db)
    status = queue_feed_episode(
        queue,
        "hive",
        "guid-1",
        "http://127.0.0.1:9/bees.mp3",
        tmp_path,
        "bees",
        [("Ada Host", "host"), ("Bo Guest", "guest")],
    )
    assert status == "queued"
    job = queue.claim()
    assert job.key == feed_job_key("hive", "guid-1")
    request = job.request
    assert request.output == tmp_path / "bees.md"
    assert request.metadata == {"podcast_name": "Hive Talk", "episode_title": "Bees"}
    assert request.persons == (Person("Ada Host"), Person("Bo Guest", "guest"))
    assert [c.title for c in request.chapters] == ["Intro"]
    assert request.origin == {"feed": "hive", "guid": "guid-1"}
