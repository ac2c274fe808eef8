"""Hosts on one machine that share nothing but the network.

A host is a mount namespace (``unshare --mount --uts``) anchored by one sleeping process: its var
folder is a tmpfs mounted inside that namespace only, so every other process on the machine sees an
empty directory at that path, and its hostname is its own (the job rows' ``worker_host`` names it).
Every service of the host is started inside the namespace with ``nsenter``. Killing a host is
SIGKILL to every process of its namespace, the anchor included: its tmpfs is gone, like a machine
that lost power. Code, the virtualenv and the model cache are read from the machine's disk, as
from an image.

Where ``unshare`` cannot make a mount namespace (no CAP_SYS_ADMIN), a host is a plain folder of its
own and :func:`audit` checks, from /proc, that no process of a host has another host's files open.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

TMPFS_SIZE = "2g"  # a host's var folder; memory is only used by what is written


def unshare_problem() -> str:
    """Empty when this process can make a mount namespace with its own tmpfs; else why not."""
    try:
        probe = subprocess.run(
            ["unshare", "--mount", "--uts", "--propagation", "private", "sh", "-c",
             "mount -t tmpfs probe /mnt && hostname probe"],
            capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare could not run: {exc}"
    if probe.returncode:
        return f"unshare --mount failed: {probe.stderr.strip()[:200]}"
    return ""


def _namespace(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/ns/mnt")


def _session(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[3])  # the field after state, ppid, pgrp


@dataclass
class Host:
    """One host: a name (its hostname), a loopback address, a private var folder, its services.
    ``console`` is where its processes' output goes (opened here, like a serial console)."""

    name: str
    address: str
    var: Path
    console: Path
    isolated: bool = True
    anchor: subprocess.Popen[bytes] | None = None
    services: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def hostname(self) -> str:
        """What its processes' socket.gethostname() says (the job rows' worker_host): its own
        name in its UTS namespace; without namespaces, the machine's."""
        return self.name if self.isolated else socket.gethostname()

    def boot(self) -> None:
        self.var.mkdir(parents=True, exist_ok=True)
        self.console.mkdir(parents=True, exist_ok=True)
        if not self.isolated:
            (self.var / "tmp").mkdir(exist_ok=True)
            self.anchor = subprocess.Popen(["sleep", "infinity"], start_new_session=True)
            return
        script = (f"mount -t tmpfs -o size={TMPFS_SIZE},mode=0755 posecoach-{self.name} '{self.var}' && "
                  f"mkdir -p '{self.var}/tmp' && chmod 1777 '{self.var}/tmp' && hostname '{self.name}' "
                  "&& exec sleep infinity")
        self.anchor = subprocess.Popen(["unshare", "--mount", "--uts", "--propagation", "private",
                                        "sh", "-c", script], start_new_session=True)
        deadline = time.monotonic() + 10
        while str(self.var) not in Path(f"/proc/{self.anchor.pid}/mountinfo").read_text():
            if self.anchor.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"host {self.name}: its tmpfs did not mount")
            time.sleep(0.05)

    def command(self, argv: list[str], cwd: Path | None = None) -> list[str]:
        """``argv`` as run inside this host (entering a mount namespace resets the working
        folder, hence --wd)."""
        assert self.anchor is not None, f"host {self.name} is not booted"
        if not self.isolated:
            return argv
        where = [f"--wd={cwd}"] if cwd else []
        return ["nsenter", f"--target={self.anchor.pid}", "--mount", "--uts", *where, "--", *argv]

    def start(self, service: str, argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
        """Start a long-running service; its output goes to console/<host>-<service>.log."""
        log = (self.console / f"{self.name}-{service}.log").open("ab")
        proc = subprocess.Popen(self.command(argv, cwd), env=env, cwd=cwd, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.services[service] = proc
        return proc

    def run(self, argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 300,
            stdin: str | None = None) -> str:
        """Run a command to its end inside the host; its stdout, or RuntimeError with its output."""
        done = subprocess.run(self.command(argv, cwd), env=env, cwd=cwd, input=stdin, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{self.name}: {' '.join(argv[:4])} … exited {done.returncode}:\n"
                               f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return done.stdout

    def log(self, service: str) -> str:
        path = self.console / f"{self.name}-{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, service: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        proc = self.services.pop(service, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def pids(self) -> list[int]:
        """Every process of this host (its namespace's, or its anchor's and services' sessions)."""
        if self.anchor is None or self.anchor.poll() is not None:
            return []
        if self.isolated:
            try:
                mine = _namespace(self.anchor.pid)
            except OSError:
                return []
            test = lambda pid: _namespace(pid) == mine  # noqa: E731
        else:
            sessions = {p.pid for p in [self.anchor, *self.services.values()]}
            test = lambda pid: _session(pid) in sessions  # noqa: E731
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if test(int(entry.name)):
                        found.append(int(entry.name))
                except (OSError, ValueError, IndexError):
                    continue
        return found

    def power_off(self) -> None:
        """SIGKILL every process of the host at once (its tmpfs goes with the last one)."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for proc in [*self.services.values(), *([self.anchor] if self.anchor else [])]:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.services.clear()
        self.anchor = None

    def shutdown(self, timeout: float = 20) -> None:
        """Stop the services (SIGTERM, then the rest), then the host."""
        for service in list(self.services)[::-1]:
            self.stop(service, timeout=timeout)
        self.power_off()

    def sees(self, path: Path) -> list[str]:
        """What this host sees in ``path`` (names; empty when it is not there)."""
        out = subprocess.run(self.command(["sh", "-c", f"ls -A '{path}' 2>/dev/null || true"]),
                             capture_output=True, text=True, timeout=20)
        return out.stdout.split()


def written_outside(hosts: Iterable[Host]) -> list[str]:
    """Files in the hosts' var paths as the machine itself sees them (outside every namespace):
    with isolation they can only be there if a process wrote to a var path that is not its own
    host's (its own is a tmpfs nobody else sees)."""
    found = []
    for host in hosts:
        if host.isolated and host.var.exists():
            found += [str(path) for path in host.var.rglob("*") if not path.is_dir()]
    return found


def audit(hosts: Iterable[Host]) -> list[str]:
    """Open files and working folders of every host process that lie in another host's var
    folder: what must never happen. Returns one line per offence."""
    hosts = list(hosts)
    offences = []
    for host in hosts:
        others = [h for h in hosts if h is not host]
        for pid in host.pids():
            try:
                targets = [os.readlink(f"/proc/{pid}/cwd")]
                fds = Path(f"/proc/{pid}/fd")
                targets += [os.readlink(fd) for fd in fds.iterdir()]
            except OSError:
                continue
            for target in targets:
                for other in others:
                    if target == str(other.var) or target.startswith(f"{other.var}/"):
                        offences.append(f"{host.name} pid {pid} has {target} of {other.name} open")
    return offences
