"""Claims: the one claim/release helper both chat adapters use against double actions."""

from __future__ import annotations

from bot import Claims


def test_a_key_is_claimed_once_until_its_time_to_live_passes() -> None:
    """A key is claimed once until its time-to-live passes; released keys can be claimed again."""
    now = [0.0]
    claims = Claims(ttl=10, clock=lambda: now[0])
    assert claims.claim("a") is True
    assert claims.claim("a") is False
    now[0] = 11
    assert claims.claim("a") is True
    claims.release("a")
    assert claims.claim("a") is True


def test_claims_without_a_time_to_live_hold_until_released() -> None:
    """Without a ttl a claim is held until released; releasing a key never claimed is harmless."""
    claims = Claims()
    assert claims.claim(1) and not claims.claim(1)
    assert 1 in claims
    claims.release(1)
    assert 1 not in claims and claims.claim(1)
    claims.release(4)


def test_the_oldest_claims_are_forgotten_when_memory_is_full() -> None:
    """Past `max_keys` the oldest claim is forgotten first."""
    claims = Claims(max_keys=2)
    assert [claims.claim(k) for k in "abc"] == [True, True, True]
    assert "a" not in claims and "b" in claims and "c" in claims
    assert claims.claim("a") is True
    assert claims.claim("c") is False
