"""The local object store: a real S3 server (SeaweedFS `weed mini`) on loopback.

It stands in for Kubeflow's artifact store (SeaweedFS since Kubeflow 2.16, MinIO before).
Started on demand, on free ports, with its data, log and credentials under `root`;
S3 requests must be signed with the workshop's key, weed's own HTTP ports want its JWTs and its gRPC
ports a client certificate of a CA made at each start. Stopped by process id.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import io
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workshop.backends.local._keeper import remove_stale
from workshop.core.errors import BackendError, Words, words

if TYPE_CHECKING:  # minio is imported late: the app's start-up must not pay for it
    from minio import Minio

LOOPBACK = "127.0.0.1"
BUCKET = "mlpipeline"
# mini's maintenance worker dials the admin gRPC port as admin HTTP + 10000, whatever -admin.port.grpc says
_GRPC_OFFSET = 10000
_SUN_PATH = 108  # bytes in a unix socket address, the final NUL included
_KEEPER = Path(__file__).with_name("_keeper.py")


class ObjectStoreError(BackendError, RuntimeError):
    """The local object store cannot start or answer; said in the reader's language (workshop.core.errors)."""


_STALE_AGE = 10.0  # seconds: a socket file younger than this may be one a server is binding right now


def sweep_stale_sockets() -> list[str]:
    """Remove what killed object stores left: weed's gRPC sockets in /tmp and the workshop's private socket
    folders (see ObjectStore.socket_dir), only files of this user that no live process holds. The folders
    stay: another home's store may be starting in one (its keeper removes it when its weed ends)."""
    folders = [Path(p) for p in glob.glob(f"/tmp/workshop-{os.getuid()}-*")
               + glob.glob(f"{os.environ.get('XDG_RUNTIME_DIR') or '/tmp'}/workshop-{os.getuid()}-*")]
    folders = [f for f in dict.fromkeys(folders) if f.is_dir() and not f.is_symlink()]
    candidates = glob.glob("/tmp/seaweedfs-*.sock") + [str(f / name) for f in folders
                                                       for name in ("s3.sock", "filer.sock")]
    return remove_stale(candidates, min_age=_STALE_AGE)


def weed_binary() -> str:
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.is_file() else shutil.which("weed")
    if not found:
        raise ObjectStoreError.of("backend:weed_missing")
    return found


def _free_ports() -> dict[str, int]:
    """One loopback port per listener, keyed by mini's flag, all held open together so none repeats."""
    held: list[socket.socket] = []

    def grab(port: int = 0) -> int:
        held.append(socket.socket())
        held[-1].bind((LOOPBACK, port))
        return int(held[-1].getsockname()[1])

    try:
        ports = {f"{name}.port{grpc}": grab() for name in ("master", "volume", "filer", "s3") for grpc in ("", ".grpc")}
        for _ in range(200):
            admin = grab()
            with contextlib.suppress(OSError, OverflowError):
                ports["admin.port.grpc"] = grab(admin + _GRPC_OFFSET)
                return {**ports, "admin.port": admin}
        raise ObjectStoreError.of("backend:store_no_ports")
    finally:
        for s in held:
            s.close()


def _write_private(path: Path, text: str, exclusive: bool = False) -> None:
    """Write a 0600 file atomically; with `exclusive`, a file already there wins (two first starts race)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write(text)
        if not exclusive:
            os.replace(tmp, path)
        elif not path.exists():
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# weed's gRPC servers (each loads its own section) and their clients (grpc.client; mini's maintenance worker
# dials the admin server as grpc.worker)
_GRPC_PARTS = ("master", "volume", "filer", "s3", "admin", "worker", "client")


def _grpc_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A new CA and one certificate it signs, for both ends of weed's mutual TLS; returns (ca, cert, key).

    The CA's private key is never written: once this returns nobody can sign another certificate, so
    only a process that can read the 0600 key (the learner's own, like the S3 keys) gets past the handshake.
    """
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    shutil.rmtree(folder, ignore_errors=True)  # the last start's certificates are of a CA that is gone
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)  # mkdir's mode is masked by the umask
    # P-256 keys: a fraction of RSA's cost to make, and Go's and gRPC's TLS both take them
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)

    def build(subject: str, public: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
        # valid from a little before now (a clock stepped back) for as long as a learner may leave weed up
        return (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "workshop object store CA")]))
                .public_key(public).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=3650)))

    usage = {name: False for name in ("digital_signature", "content_commitment", "key_encipherment",
                                      "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
                                      "encipher_only", "decipher_only")}
    ca = (build("workshop object store CA", ca_key.public_key())
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(**{**usage, "key_cert_sign": True, "crl_sign": True}), critical=True)
          .sign(ca_key, hashes.SHA256()))
    # weed's servers and clients all present this one: a server (SAN checked by the dialling side) and a client
    cert = (build("workshop", key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.KeyUsage(**{**usage, "digital_signature": True}), critical=True)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.crt", folder / "weed.crt", folder / "weed.key"
    _write_private(paths[0], ca.public_bytes(serialization.Encoding.PEM).decode())
    _write_private(paths[1], cert.public_bytes(serialization.Encoding.PEM).decode())
    _write_private(paths[2], key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode())
    return paths


def _toml_string(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def _security_toml(tls: tuple[Path, Path, Path]) -> str:
    """JWT signing for the filer and the volume server (reads and writes), with new random keys each start;
    mutual TLS with `tls` (ca, cert, key) on every gRPC server and client of weed."""
    # jwt.signing.read: without it the volume server hands a stored object to anyone who names its file id
    sections = ["jwt.signing", "jwt.signing.read", "jwt.filer_signing", "jwt.filer_signing.read"]
    body = "".join(f'[{name}]\nkey = "{secrets.token_urlsafe(32)}"\nexpires_after_seconds = 10\n\n'
                   for name in sections)
    # no directory listings or UI on the filer's port, no UI on the volume server's
    body += "[access]\nui = false\n\n[filer.expose_directory_metadata]\nenabled = false\n\n"
    ca, cert, key = (_toml_string(path) for path in tls)
    body += f"[grpc]\nca = {ca}\n\n"
    return body + "".join(f"[grpc.{part}]\ncert = {cert}\nkey = {key}\n\n" for part in _GRPC_PARTS)


def _serves(pid: int, data_dir: Path) -> bool:
    """Is `pid` a live `weed mini` on this data folder (not a recycled pid, not a zombie)?"""
    try:
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return False
    return Path(argv[0].decode(errors="replace")).name == "weed" and f"-dir={data_dir}".encode() in argv


class ObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()  # weed is recognised by its -dir, so the path must be canonical
        self.data_dir = self.root / "data"
        self.endpoint = ""
        self.pid: int | None = None
        self.ports: dict[str, int] = {}
        self._owned = False  # only the store that started (or adopted) the server stops it
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def credentials(self) -> tuple[str, str]:
        """(access key, secret key), made once and kept in a 0600 file."""
        path = self.root / "credentials.json"
        if not path.is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            keys = {"access_key": "workshop" + secrets.token_hex(6), "secret_key": secrets.token_urlsafe(30)}
            _write_private(path, json.dumps(keys), exclusive=True)
        try:
            data = json.loads(path.read_text())
            return str(data["access_key"]), str(data["secret_key"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ObjectStoreError.of("backend:store_keys_damaged", path=path) from exc

    # --- lifecycle -------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> str:
        """Start the server, or join the one already serving this root; returns "127.0.0.1:PORT"."""
        if self.pid is not None:
            return self.endpoint
        self.root.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + timeout
        with self._start_lock(deadline):
            if self._join_running(deadline):
                return self.endpoint
            self._launch()
            try:
                self._wait_ready(deadline)
            except BaseException:  # Ctrl+C in the first second too: the server must not outlive its start
                self.stop()
                raise
            return self.endpoint

    @contextlib.contextmanager
    def _start_lock(self, deadline: float) -> Iterator[None]:
        """Two processes starting at once must end up sharing one server."""
        with open(self.root / "start.lock", "w") as fh:
            while True:
                with contextlib.suppress(BlockingIOError):
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                if time.monotonic() >= deadline:
                    raise ObjectStoreError.of("backend:store_starting")
                time.sleep(0.05)
            yield  # closing the file releases the lock

    def _join_running(self, deadline: float) -> bool:
        record = self.root / "server.json"
        if not record.is_file():
            return False
        try:
            data = json.loads(record.read_text())
            pid, endpoint, owner = int(data["pid"]), str(data["endpoint"]), int(data.get("owner", 0))
            ports = {str(k): int(v) for k, v in data.get("ports", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            pid, endpoint, owner, ports = 0, "", 0, {}
        if pid <= 0 or not _serves(pid, self.data_dir):
            record.unlink(missing_ok=True)
            return False
        self.pid, self.endpoint, self.ports = pid, endpoint, ports
        # an orphan whose starter has died is adopted, so that someone stops it; a live starter keeps it
        self._owned = owner <= 0 or not Path(f"/proc/{owner}").exists()
        try:
            self._wait_ready(min(deadline, time.monotonic() + 10.0))
        except ObjectStoreError:
            self._owned = True  # it holds our data folder and does not answer: replace it
            self.stop()
            record.unlink(missing_ok=True)
            return False
        if self._owned:
            self._write_record()
        return True

    def _launch(self) -> None:
        weed = weed_binary()
        sweep_stale_sockets()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # mini reloads the last run's flags from this file; ours must be the only ones that count
        (self.data_dir / "mini.options").unlink(missing_ok=True)
        # the single master's state (rebuilt from heartbeats) lives in m<port>, a new folder every run
        for old in self.data_dir.glob("m[0-9]*"):
            if old.name[1:].isdigit():
                shutil.rmtree(old, ignore_errors=True)
        access, secret = self.credentials
        identity = {"name": "workshop", "credentials": [{"accessKey": access, "secretKey": secret}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
        _write_private(self.root / "s3.json", json.dumps({"identities": [identity]}))
        # weed reads security.toml from its working folder (self.root): the filer's and the volume server's
        # HTTP ports then want a JWT signed with keys only weed knows, and every gRPC port (TCP and its unix
        # socket in /tmp) a client certificate of this start's CA, so the S3 API and its keys are the way in
        _write_private(self.root / "security.toml", _security_toml(_grpc_certificates(self.root / "tls")))
        self.ports = _free_ports()
        argv = [weed, "-logtostderr", "mini", f"-dir={self.data_dir}", f"-ip={LOOPBACK}", f"-ip.bind={LOOPBACK}",
                *(f"-{flag}={port}" for flag, port in self.ports.items()),
                "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
                "-master.telemetry=false", "-volume.preStopSeconds=0", f"-s3.config={self.root / 's3.json'}",
                # the master's HTTP API (/dir/assign, /dir/lookup, /col/delete, /vol/grow, /submit...) has no
                # guard but an IP list, and on loopback every process has the same IP; weed's own parts talk
                # to the master by gRPC, so only the read-only status page stays
                "-disableHttp",
                # the volume server's graceful stop waits for connections dialled but never used (about one
                # stop in five), until this many idle seconds; the default 30 makes stop() fall back to SIGKILL
                "-idleTimeout=3"]
        sockets = self.socket_dir()
        argv += [f"-s3.localSocket={sockets / 's3.sock'}", f"-filer.localSocket={sockets / 'filer.sock'}"]
        # what weed leaves when it is killed (the gRPC sockets in /tmp, its s3 socket always): the keeper
        # removes them once weed has ended, however its starter ended
        cleanup = [arg for sock in self._socket_files() for arg in ("--remove", str(sock))]
        if sockets != self.root:
            cleanup += ["--remove-dir", str(sockets)]
        cleanup += ["--lock", str(self.root / "start.lock")]
        # AWS_* would add a second identity and S3_* would change buckets and URLs: only s3.json decides
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
        log_path = self.root / "weed.log"
        if log_path.is_file() and log_path.stat().st_size > 5 << 20:
            log_path.replace(self.root / "weed.log.1")
        with open(log_path, "ab") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting weed mini\n".encode())
            log.flush()
            try:
                # weed cannot watch its starter, so _keeper does: it becomes weed (same pid and group) and a
                # forked watch on this pipe stops the group when this process ends, however it ends
                self._proc = subprocess.Popen([sys.executable, str(_KEEPER), *cleanup, "--", *argv],
                                              stdin=subprocess.PIPE,
                                              stdout=log, stderr=subprocess.STDOUT, cwd=self.root, env=env,
                                              start_new_session=True)
            except OSError as exc:
                raise ObjectStoreError.of("backend:store_cannot_run", weed=weed, error=exc) from exc
        self.pid, self._owned = self._proc.pid, True
        self.endpoint = f"{LOOPBACK}:{self.ports['s3.port']}"
        self._write_record()

    def socket_dir(self) -> Path:
        """Where weed's unix sockets go: beside its data, or a short private folder when that path is too long.

        A socket path must fit in sun_path, 108 bytes: counted in bytes, so a home named in Chinese
        (three bytes a character) is long sooner than its length in characters says.
        """
        if len(os.fsencode(self.root / "filer.sock")) < _SUN_PATH:
            return self.root
        import hashlib

        base = Path(os.environ.get("XDG_RUNTIME_DIR") or "/tmp")
        if not base.is_dir() or len(os.fsencode(base)) > 40:
            base = Path("/tmp")
        folder = base / f"workshop-{os.getuid()}-{hashlib.sha256(os.fsencode(self.root)).hexdigest()[:12]}"
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        info = folder.lstat()  # in a shared /tmp, a folder someone else made (or a link) is not ours to use
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            raise ObjectStoreError.of("backend:store_folder", folder=folder)
        return folder

    def _write_record(self) -> None:
        # start_new_session made weed the leader of its own group, so its pgid is its pid
        record = {"pid": self.pid, "pgid": self.pid, "owner": os.getpid(), "ports": self.ports,
                  "endpoint": self.endpoint}
        _write_private(self.root / "server.json", json.dumps(record))

    def _wait_ready(self, deadline: float) -> None:
        """Poll until a signed request answers, then make sure the bucket is there."""
        import urllib3
        from minio import Minio
        from minio.error import S3Error

        access, secret = self.credentials
        # no retries and short timeouts: this loop is the retry, and the deadline bounds it
        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=1.0, read=2.0), retries=False, maxsize=1)
        probe = Minio(self.endpoint, access_key=access, secret_key=secret, secure=False, http_client=http)
        last: Words | str = words("backend:no_answer")
        while True:
            if self._proc is not None and self._proc.poll() is not None:
                last = words("backend:weed_exited", status=self._proc.returncode)
                break
            if self._proc is None and not (self.pid and _serves(self.pid, self.data_dir)):
                last = words("backend:weed_gone")
                break
            try:
                if not probe.bucket_exists(BUCKET):
                    with contextlib.suppress(S3Error):  # another process may have made it meanwhile
                        probe.make_bucket(BUCKET)
                    if not probe.bucket_exists(BUCKET):
                        raise ObjectStoreError.of("backend:store_bucket", bucket=BUCKET)
                return
            except (S3Error, urllib3.exceptions.HTTPError, OSError, ObjectStoreError) as exc:
                last = words("backend:exception", kind=type(exc).__name__, error=exc)  # refused, or 503 early
            if time.monotonic() >= deadline:
                last = words("backend:store_late", last=last)
                break
            time.sleep(0.05)
        raise ObjectStoreError.of("backend:store_not_ready", last=last, log=self.root / "weed.log",
                                  tail=self.log_tail())

    def log_tail(self, lines: int = 15) -> str:
        path = self.root / "weed.log"
        if not path.is_file():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server this store started (or adopted); one shared with its live starter is only let go."""
        pid, proc, owned = self.pid, self._proc, self._owned
        self.pid, self._proc, self._owned, self.endpoint = None, None, False, ""
        if pid is None or not owned:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            # never signal a pid that may have been recycled: our child until it is reaped, an adopted one by /proc
            if (proc.poll() is not None) if proc is not None else not _serves(pid, self.data_dir):
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)
            if self._wait_gone(pid, proc, time.monotonic() + timeout):
                break
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if json.loads((self.root / "server.json").read_text()).get("pid") == pid:
                (self.root / "server.json").unlink()
        # mini leaves its s3 unix socket behind, and a killed weed all of them (the gRPC ones are in /tmp);
        # a socket a live server holds stays
        folder = self.socket_dir()
        remove_stale(self._socket_files(), [folder] if folder != self.root else [])
        if proc is not None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.write(b"x")  # "let go", once the clean-up is done: if we die first, the watch does it
                proc.stdin.flush()
            with contextlib.suppress(OSError):
                proc.stdin.close()  # the keeper's watch sees its starter let go, and ends

    def _socket_files(self) -> list[Path]:
        """The unix sockets weed makes: its s3 and filer HTTP sockets, and one in /tmp per gRPC port."""
        sockets = self.socket_dir()
        return [sockets / "s3.sock", sockets / "filer.sock",
                *(Path(f"/tmp/seaweedfs-{flag.replace('.port', '').replace('.', '-')}-{port}.sock")
                  for flag, port in self.ports.items() if flag.endswith(".grpc"))]

    def _wait_gone(self, pid: int, proc: subprocess.Popen[bytes] | None, deadline: float) -> bool:
        while True:
            if proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(0.05)  # also reaps our child, so no zombie is left
                if proc.returncode is not None:
                    return True
            elif not _serves(pid, self.data_dir):
                return True
            else:
                time.sleep(0.05)
            if time.monotonic() >= deadline:
                return False

    def __enter__(self) -> ObjectStore:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- objects ---------------------------------------------------------------------
    def client(self) -> Minio:
        from minio import Minio

        if not self.endpoint:
            raise ObjectStoreError.of("backend:store_not_started")
        access, secret = self.credentials
        return Minio(self.endpoint, access_key=access, secret_key=secret, secure=False)

    def stat(self, bucket: str, key: str) -> dict[str, Any]:
        info = self.client().stat_object(bucket, key)
        modified = info.last_modified.timestamp() if info.last_modified else 0.0
        return {"size": info.size, "etag": info.etag, "last_modified": modified}

    def get_bytes(self, bucket: str, key: str) -> bytes:
        response = self.client().get_object(bucket, key)
        try:
            return bytes(response.read())
        finally:
            response.close()
            response.release_conn()

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None:
        self.client().put_object(bucket, key, io.BytesIO(data), len(data))

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        return sorted(str(o.object_name) for o in self.client().list_objects(bucket, prefix=prefix, recursive=True))

    def delete(self, bucket: str, key: str) -> None:
        self.client().remove_object(bucket, key)

    def delete_prefix(self, bucket: str, prefix: str) -> list[str]:
        """Remove every object under `prefix` and return their keys; an empty prefix (the whole bucket) is refused."""
        from minio.deleteobjects import DeleteObject

        if not prefix:
            raise ValueError("delete_prefix needs a non-empty prefix")
        keys = self.list_keys(bucket, prefix)
        errors = list(self.client().remove_objects(bucket, (DeleteObject(k) for k in keys)))
        if errors:
            raise ObjectStoreError.of("backend:store_delete", count=len(errors), bucket=bucket, prefix=prefix,
                                      error=errors[0])
        return keys
