"""Run the web workshop: pick the address, print how to join (with a QR code in the terminal), start uvicorn.

By default the server listens on 127.0.0.1 only. ``--lan`` listens on the machine's address in the local network
(found by asking the operating system which interface would route to a private address: a UDP "connect" sends no
packet) and prints the join address and a QR code volunteers scan with their phones. Sessions are kept in
``casefile-sessions.sqlite3`` in the current folder unless ``--db`` names another file: the trainer sees where it
is and can delete it.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path

DEFAULT_DB = Path("casefile-sessions.sqlite3")


def lan_address() -> str | None:
    """The machine's address in the local network, or None when it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP connect: chooses a route, sends nothing
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    ip = ipaddress.ip_address(address)
    return None if ip.is_loopback or ip.is_unspecified else address


def terminal_qr(text: str) -> str:
    """A QR code for a terminal, drawn with half-block characters (two rows of modules per line)."""
    import segno

    qr = segno.make(text, error="m")
    matrix = [[bool(m) for m in row] for row in qr.matrix]
    quiet = 2
    size = len(matrix) + 2 * quiet
    grid = [[False] * size for _ in range(quiet)]
    grid += [[False] * quiet + row + [False] * quiet for row in matrix]
    grid += [[False] * size for _ in range(quiet)]
    if len(grid) % 2:
        grid.append([False] * size)
    chars = {(False, False): "█", (True, True): " ", (True, False): "▄", (False, True): "▀"}
    lines = [
        "".join(chars[(top, bottom)] for top, bottom in zip(grid[y], grid[y + 1], strict=True))
        for y in range(0, len(grid), 2)
    ]
    return "\n".join(lines)


def serve(host: str | None, port: int, lan: bool, db: Path, lang: str, ttl_hours: float) -> None:
    import uvicorn

    from casefile import DISCLAIMER
    from casefile.web.app import build_app

    hosts = ["127.0.0.1", "localhost"]
    public_url = None
    if lan:
        address = lan_address()
        if address is None:
            from casefile.errors import InputError

            raise InputError.single(
                None,
                "this machine has no local-network address",
                field="--lan",
                hint="connect to the room's Wi-Fi, or run without --lan",
            )
        host = host or address
        hosts.append(address)
        public_url = f"http://{address}:{port}/"
    host = host or "127.0.0.1"
    if host not in hosts:
        hosts.append(host)
    if host in ("0.0.0.0", "::"):  # every interface: accept the names this machine is reached by
        address = lan_address()
        hosts += [address] if address else []
        hosts.append(socket.gethostname())
    app = build_app(db, lang=lang, public_url=public_url, allowed_hosts=hosts, ttl_hours=ttl_hours)
    url = f"http://{host}:{port}/"
    out = sys.stderr
    print(f"casefile serve: open {url} in your browser (Ctrl+C stops the server).", file=out)
    print(f"Workshop sessions are kept in {db.resolve()} (delete the file to forget them).", file=out)
    if lan:
        join = f"{public_url}join"
        print(f"Volunteers join at {join} on the same network, or scan:", file=out)
        print(terminal_qr(join), file=out)
    print(DISCLAIMER, file=out)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
