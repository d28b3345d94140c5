"""`quotebot feeds add | list | poll | remove` as a community manager uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from feed_server import FeedServer

from bot.cli.command import main


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    corpus = tmp_path / "corpus"
    monkeypatch.setenv("QUOTEBOT_CORPUS", str(corpus))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    monkeypatch.setenv("QUOTEBOT_FEEDS_ALLOW_PRIVATE", "true")
    return corpus


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_feeds_add_follows_the_feed_fetches_it_and_search_finds_it(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """One command: the back catalogue is stored and `quotebot search` quotes it."""
    feed_server.add_site()
    url = feed_server.add_file("/feed.xml", "hosted-show.xml")
    code, out, _ = run(capsys, "feeds", "add", url)
    assert code == 0
    assert "following garden-hour: “Garden Hour”, 3 episodes, 2 with a transcript" in out
    assert "garden-hour: 3 episodes, 3 new" in out
    code, out, _ = run(capsys, "search", "rooftop", "--limit", "1")
    assert code == 0 and "Tom Okafor" in out


def test_feeds_add_with_a_name_uses_that_folder(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds add with a name uses that folder."""
    feed_server.add_site()
    url = feed_server.add_file("/feed.xml", "legacy-namespace.xml")
    assert run(capsys, "feeds", "add", url, "--name", "worms")[0] == 0
    assert (environment / "feeds" / "worms").is_dir()


def test_feeds_add_of_a_bad_feed_adds_nothing_and_says_why(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds add of a bad feed adds nothing and says why."""
    url = feed_server.add("/page", "<html><body>Hi</body></html>", content_type="text/html")
    code, _, err = run(capsys, "feeds", "add", url)
    assert code == 2 and "HTML page" in err
    assert "no feeds yet" in run(capsys, "feeds", "list")[1]


def test_feeds_list_shows_episodes_transcripts_last_poll_and_errors(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds list shows episodes transcripts last poll and errors."""
    feed_server.add_site()
    url = feed_server.add_file("/feed.xml", "hosted-show.xml")
    run(capsys, "feeds", "add", url)
    feed_server.routes["/feed.xml"].status = 503
    feed_server.routes["/feed.xml"].validators = False
    code, _, err = run(capsys, "feeds", "poll")
    assert code == 1 and "server error (HTTP 503)" in err
    out = run(capsys, "feeds", "list")[1]
    assert "garden-hour  Garden Hour" in out
    assert "3 episodes, 2 transcripts (2 fetched, 1 none)" in out
    assert "last poll: 0 s ago" in out
    assert "last error: server error (HTTP 503)" in out


def test_feeds_list_json_is_machine_readable(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds list json is machine readable."""
    feed_server.add_site()
    run(capsys, "feeds", "add", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    [feed] = json.loads(run(capsys, "feeds", "list", "--json")[1])
    assert (feed["name"], feed["episodes"], feed["transcripts"]) == ("garden-hour", 3, 2)


def test_feeds_remove_keeps_the_files_searchable_unless_asked(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds remove keeps the files searchable unless asked."""
    feed_server.add_site()
    run(capsys, "feeds", "add", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    code, out, _ = run(capsys, "feeds", "remove", "garden-hour")
    assert code == 0 and "stay searchable" in out
    assert (environment / "feeds" / "garden-hour").is_dir()
    assert "no feeds yet" in run(capsys, "feeds", "list")[1]


def test_feeds_remove_delete_files_removes_the_folder(
    environment: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds remove delete files removes the folder."""
    feed_server.add_site()
    run(capsys, "feeds", "add", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    assert run(capsys, "feeds", "remove", "garden-hour", "--delete-files")[0] == 0
    assert not (environment / "feeds" / "garden-hour").exists()


def test_feeds_need_a_corpus_folder_of_ones_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fetched files never go into the bundled seeds: the message names QUOTEBOT_CORPUS."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    code, _, err = run(capsys, "feeds", "poll")
    assert code == 2 and "QUOTEBOT_CORPUS" in err


def test_the_config_files_feeds_list_is_followed(
    environment: Path,
    feed_server: FeedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`feeds:` in the config file registers feeds; `feeds remove` points back to the file."""
    feed_server.add_site()
    url = feed_server.add_file("/feed.xml", "hosted-show.xml")
    config = tmp_path / "quotebot.yaml"
    config.write_text(f"feeds:\n  - url: {url}\n    name: garden\n    transcribe: true\n")
    code, out, _ = run(capsys, "feeds", "poll", "--config", str(config))
    assert code == 0 and "garden: 3 episodes" in out
    code, _, err = run(capsys, "feeds", "remove", "garden", "--config", str(config))
    assert code == 2 and "config file" in err


def test_a_bad_feeds_entry_in_the_config_file_is_one_line_naming_it(
    environment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad feeds entry in the config file is one line naming it."""
    config = tmp_path / "quotebot.yaml"
    config.write_text("feeds:\n  - url: ftp://example.com/feed\n")
    code, _, err = run(capsys, "feeds", "list", "--config", str(config))
    assert code == 2
    assert err.strip() == (
        f"quotebot feeds: feeds in {config}: entry 1: "
        "'ftp://example.com/feed' is not an http(s) URL"
    )


def test_a_config_feed_already_added_by_hand_is_one_line_naming_both(
    environment: Path,
    feed_server: FeedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A config feed already added by hand is one line naming both."""
    feed_server.add_site()
    url = feed_server.add_file("/feed.xml", "hosted-show.xml")
    run(capsys, "feeds", "add", url, "--no-poll")
    config = tmp_path / "quotebot.yaml"
    config.write_text(f"feeds:\n  - url: {url}\n    name: garden\n")
    code, _, err = run(capsys, "feeds", "list", "--config", str(config))
    assert code == 2
    assert err.strip() == (
        f"quotebot: QUOTEBOT_FEEDS: garden ({url}) is already followed as garden-hour, "
        "added with `quotebot feeds add`: remove one of the two"
    )
