"""Which addresses a feed URL may reach: public ones only, unless the operator allows more.

A feed URL is typed by a person, so without this check `feeds add http://10.0.0.5/admin`
would make the bot fetch from the operator's own network. The check runs on the addresses the
host name resolves to, for the first URL and every redirect, and the connection is then made
to the address that was checked (no second lookup that a rebinding DNS server could answer
differently).
"""

from __future__ import annotations

import ipaddress
import socket

from .errors import AddressRefused, ConnectFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (not private, loopback, link-local,
    shared, multicast, reserved or unspecified); IPv4 mapped into IPv6 is judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(
    url: str,
    host: str,
    port: int,
    allow_private: bool,
    allowed_networks: tuple[str, ...] = (),
) -> str:
    """The address to connect to for `host`: the first one resolved that the policy allows.

    Raises AddressRefused when every address is non-public (and that is not allowed), and
    ConnectFailed when the name does not resolve.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectFailed(url, f"the host name {host} does not resolve ({exc})") from None
    refused: list[str] = []
    networks = [ipaddress.ip_network(network) for network in allowed_networks]
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if allow_private or is_public(address) or any(address in net for net in networks):
            return text
        refused.append(text)
    raise AddressRefused(
        url,
        f"{host} resolves to {', '.join(dict.fromkeys(refused))}, a private, loopback or "
        "link-local address: feeds may only be fetched from public addresses "
        "(QUOTEBOT_FEEDS_ALLOW_PRIVATE=true allows it)",
    )
