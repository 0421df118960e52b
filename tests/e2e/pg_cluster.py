"""A throwaway PostgreSQL 15 + PostGIS 3 cluster for the tests (not a test itself).

    with PgCluster(folder) as pg:
        pg.psql("CREATE EXTENSION postgis")
        pg.conninfo  ->  "host=127.0.0.1 port=NNNNN user=postgres dbname=buurt"

PostgreSQL refuses to run as root (CI and the build machines run as root), so the server runs as the
`postgres` user from a data and socket folder that user owns. It listens on 127.0.0.1 only, on a port
that was free a moment before, with trust authentication (nothing else can reach it). The cluster is
stopped and its folder removed when the `with` block ends, also on failure.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

PGBIN = "/usr/lib/postgresql/15/bin"


def available():
    """'' when a cluster can be started here, else why not."""
    if not os.path.exists(os.path.join(PGBIN, "initdb")):
        return f"{PGBIN}/initdb not found (scripts/install_deps.sh --with-postgis)"
    if not os.path.exists("/usr/share/postgresql/15/extension/postgis.control"):
        return "PostGIS for PostgreSQL 15 is not installed (postgresql-15-postgis-3)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, dbname="buurt"):
        self.dbname = dbname
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="buurt_pg_")
        self.data = os.path.join(self.root, "data")
        self.started = False

    def _as_postgres(self, cmd, **kw):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(prefix + cmd, capture_output=True, text=True, **kw)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        t0 = time.time()
        os.chmod(self.root, 0o755)
        os.makedirs(self.data)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.data, "postgres")
        r = self._as_postgres([f"{PGBIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        if r.returncode != 0:
            raise RuntimeError("initdb failed: " + r.stderr)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.data}'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 64MB\n")
        r = self._as_postgres([f"{PGBIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.data, "server.log"), "-w", "-t", "60", "start"])
        if r.returncode != 0:
            raise RuntimeError("pg_ctl start failed: " + r.stderr + self.server_log())
        self.started = True
        self.psql(f"CREATE DATABASE {self.dbname}", db="postgres")
        self.startup_seconds = time.time() - t0

    def server_log(self):
        try:
            with open(os.path.join(self.data, "server.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.started:
            self._as_postgres([f"{PGBIN}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def conninfo(self):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={self.dbname}"

    @property
    def pg(self):
        """The GDAL connection string."""
        return "PG:" + self.conninfo

    def psql(self, sql, db=None, check=True):
        """Runs SQL through psql; returns the rows as lists of text (unaligned, tab-separated)."""
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="postgres")
        r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t", "-d", db or self.dbname, "-c", sql],
                           capture_output=True, text=True, env=env)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}\n{sql[:500]}")
        return [line.split("\t") for line in r.stdout.splitlines() if line != ""]

    def dump_schema(self, schema):
        """A full text dump (DDL and data) of one schema, for before/after comparison."""
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="postgres")
        r = subprocess.run(["pg_dump", "-d", self.dbname, "-n", schema, "--no-owner"], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise RuntimeError("pg_dump failed: " + r.stderr)
        return r.stdout
